/* Pledgemap's own browser code: keeping the address bar and the page links in step with the view. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    pledgemap: {
        /* query: the view's state as a query string (without "?"), computed on the server.
           The address is replaced, not pushed: the back button leaves the page, as users expect,
           and Dash's router does not re-render the page. */
        remember_view: function (query) {
            if (query === undefined || query === null) {
                return;
            }
            const search = query ? "?" + query : "";
            if (window.location.search !== search) {
                window.history.replaceState(null, "", window.location.pathname + search);
            }
            const params = new URLSearchParams(query);
            const lang = params.get("lang");
            // Page links keep the pledge and the language; the language link switches language.
            document.querySelectorAll(".pm-nav a").forEach(function (a) {
                const target = new URLSearchParams();
                if (params.get("pledge")) { target.set("pledge", params.get("pledge")); }
                if (lang) { target.set("lang", lang); }
                const path = a.getAttribute("href").split("?")[0];
                a.setAttribute("href", path + (target.toString() ? "?" + target.toString() : ""));
            });
            const link = document.getElementById("pm-lang-link");
            if (link) {
                params.set("lang", link.getAttribute("hreflang"));
                link.setAttribute("href", window.location.pathname + "?" + params.toString());
            }
        }
    }
});
