/* Pledgemap's own browser code: keeping the address bar and the page links in step with the view. */

/* The page's address and the window's size, for the app's first layout (dashboard/address.py): with them it carries
   the page itself, its first map fitted to the window, instead of an empty container that a callback fills.
   Set as the page starts, before Dash asks for its layout. */
(function () {
    "use strict";
    const cookie = function (name, value) {
        document.cookie = name + "=" + encodeURIComponent(value) + "; path=/; SameSite=Strict";
    };
    cookie("pledgemap_page", window.location.pathname + window.location.search);
    cookie("pledgemap_window", window.innerWidth + "x" + window.innerHeight);
}());

window.dash_clientside = Object.assign({}, window.dash_clientside, {
    pledgemap: {
        /* The map's background tiles are used only if one loads: plotly's map stops updating after a tile
           error, so on a closed network the tiles stay off and the map draws on a plain background.
           template: the tile URL template, or null when no tiles are configured.
           Returns [checklist value, fieldset disabled, "unreachable" note hidden]. */
        /* Clicks on the map's background (plotly reports clicks on points only): each click's position goes
           into the store storeId, for adding a record there or moving one to it. Attached once per map. */
        map_clicks: function (figure, graphId, storeId) {
            const attach = function (map) {
                if (!map || map.__pledgemapClicks) { return; }
                map.__pledgemapClicks = true;
                map.on("click", function (event) {
                    window.dash_clientside.set_props(storeId, {data: {
                        lon: event.lngLat.lng, lat: event.lngLat.lat, at: Date.now()}});
                });
            };
            const current = function (gd) {
                const subplot = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
                return subplot && subplot.map;
            };
            let tries = 0;
            const hook = function () {
                const gd = document.querySelector("#" + graphId + " .js-plotly-plot");
                if (!gd || !gd.on) {
                    if (tries++ < 50) { setTimeout(hook, 200); }
                    return;
                }
                // Plotly may build a new map when the figure changes: every drawing checks the map it ends with.
                if (!gd.__pledgemapHooked) {
                    gd.__pledgemapHooked = true;
                    gd.on("plotly_afterplot", function () { attach(current(gd)); });
                }
                attach(current(gd));
            };
            hook();
            return window.dash_clientside.no_update;
        },
        /* A graph's size in the browser once the page is drawn ({width, height}), for a map to fit its area to it
           (plotly cannot ask the screen). Before plotly has drawn, the graph may have no height yet: the pages'
           map style's, 64vh and at least 440 px.
           assumed: the size the page's first map was drawn for, from the window's size (dashboard/figures/map.py,
           assumed_map_size), or null. Close enough to the real one (on the same side of a phone's width), nothing
           changes and the first map stays. */
        graph_size: function (_lang, graphId, assumed) {
            const graph = document.getElementById(graphId);
            const drawn = Math.round((graph && graph.offsetHeight) || 0);  // 0 until plotly has drawn the graph
            const size = {width: Math.round((graph && graph.offsetWidth) || window.innerWidth),
                          height: drawn || Math.round(Math.max(440, 0.64 * window.innerHeight))};
            if (assumed && assumed.assumed) {
                const close = function (a, b) { return Math.abs(a - b) <= 0.1 * Math.max(a, b); };
                const phone = function (width) { return width < assumed.narrow_below; };
                // A drawn graph is as high as the first map's (a phone's grows by its legends), else the style's.
                const height = drawn ? assumed.graph_height || assumed.height : assumed.height;
                if (close(size.width, assumed.width) && close(size.height, height)
                        && phone(size.width) === phone(assumed.width)) {
                    return window.dash_clientside.no_update;
                }
            }
            return size;
        },
        /* A long list of choices in a box of its own (the overview of every pledge's scopes): the chosen one is
           scrolled into the box's view, so a link to a county shows that county chosen. */
        reveal_checked: function (_value, boxId) {
            let tries = 0;
            const reveal = function () {
                const box = document.getElementById(boxId);
                const chosen = box && box.querySelector("input:checked");
                if (!chosen || !box.clientHeight) {  // not drawn yet
                    if (tries++ < 20) { setTimeout(reveal, 100); }
                    return;
                }
                const at = chosen.getBoundingClientRect().top - box.getBoundingClientRect().top;
                if (at < 0 || at > box.clientHeight - 24) { box.scrollTop += at - box.clientHeight / 3; }
            };
            setTimeout(reveal, 0);
            return window.dash_clientside.no_update;
        },
        /* A click on a map whose clickable shapes carry an address of the app as their customdata (the overview of
           every pledge: a municipality's pledge) opens that address. */
        open_clicked: function (click) {
            const point = click && click.points && click.points[0];
            const data = point && point.customdata;
            const href = Array.isArray(data) ? data[0] : data;
            if (typeof href === "string" && href.charAt(0) === "/" && href.charAt(1) !== "/") {
                window.location.assign(href);
            }
            return window.dash_clientside.no_update;
        },
        /* A draft promise's split button (import page): where the cursor stands in that promise's text, for the
           server to split there ({i, at}; at is null when the text has no cursor, and it splits at a sentence). */
        /* The element (by its DOM id) that takes the focus once a draft form is drawn again after an action. */
        focusElement: function (target) {
            if (!target) { return; }
            setTimeout(function () {
                const element = document.getElementById(target);
                if (element) { element.focus(); }
            }, 50);
        },
        splitAtCursor: function () {
            const context = window.dash_clientside.callback_context;
            const fired = context.triggered && context.triggered[0];
            if (!fired || !fired.value) { return window.dash_clientside.no_update; }
            const which = JSON.parse(fired.prop_id.slice(0, fired.prop_id.lastIndexOf(".")));
            const text = document.getElementById(JSON.stringify({path: "promises." + which.i + ".text", type: "df-field"}));
            const at = text && text.selectionStart === text.selectionEnd ? text.selectionStart : null;
            return {i: which.i, at: at, clicked: Date.now()};
        },
        /* The same probe for a page that only needs to know: [true] if a tile loaded, [false] if not. */
        tiles_reachable: function (template) {
            return Promise.resolve(window.dash_clientside.pledgemap.probe_tiles(template))
                .then(function (probed) { return Array.isArray(probed[0]) && probed[0].length > 0; });
        },
        /* What the probe changes leaves the rest alone (no_update): the page is drawn with the tiles off, the
           box disabled and the note hidden, and a map page's first map is in its layout, so only a tile that
           loads (or the note that none did) may ask the server for the map again. */
        probe_tiles: function (template) {
            const same = window.dash_clientside.no_update;
            if (!template) {
                return [same, same, same];
            }
            if (template.charAt(0) === "/") {
                // The app's own basemap file (dashboard/server/tiles.py): there whenever the page is.
                return [["tiles"], false, true];
            }
            const url = template.replace("{z}", "0").replace("{x}", "0").replace("{y}", "0");
            return new Promise(function (resolve) {
                const image = new Image();
                const unreachable = function () { resolve([same, same, false]); };
                const timer = setTimeout(function () { image.src = ""; unreachable(); }, 4000);
                image.onload = function () { clearTimeout(timer); resolve([["tiles"], false, true]); };
                image.onerror = function () { clearTimeout(timer); unreachable(); };
                image.src = url;
            });
        },
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
                const path = a.getAttribute("href").split("?")[0];
                // The overview's link always names a pledge (empty: the newest), as dashboard.components.layout.nav_href.
                if (params.get("pledge") || path === "/") { target.set("pledge", params.get("pledge") || ""); }
                if (lang) { target.set("lang", lang); }
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

/* Dash's checklists and radio items mark their container as a listbox and each label as an option,
   around native inputs: an interactive control nested in another, with no name for the list.
   The native inputs already say everything, so the container becomes a group named by its
   fieldset's legend and the labels lose the option role. Re-applied whenever Dash re-renders. */
(function () {
    function fix(root) {
        root.querySelectorAll('.dash-options-list[role="listbox"]').forEach(function (list) {
            list.setAttribute("role", "group");
            const fieldset = list.closest("fieldset");
            const legend = fieldset && fieldset.querySelector("legend");
            if (legend) {
                if (!legend.id) { legend.id = (list.id || "pm-list") + "-legend"; }
                list.setAttribute("aria-labelledby", legend.id);
            }
        });
        root.querySelectorAll('.dash-options-list-option[role="option"], .dash-options-list-option[aria-selected]')
            .forEach(function (option) {
                option.removeAttribute("role");
                option.removeAttribute("aria-selected");
            });
        /* dcc.Upload's file input is hidden inside its drop zone with no name: name it by the zone's text. */
        root.querySelectorAll('.pm-upload input[type="file"]:not([aria-label])').forEach(function (input) {
            input.setAttribute("aria-label", input.closest(".pm-upload").textContent.trim());
        });
    }
    function start() {
        fix(document);
        new MutationObserver(function () { fix(document); }).observe(document.body, {
            subtree: true, childList: true, attributes: true, attributeFilter: ["role", "aria-selected"]
        });
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();

/* The choice of a pledge among many (dashboard/components/pledge_choice.py). The search field narrows each
   police region's radios (set_props on its options, from the fieldset's data-choices) or links (hidden) to the
   pledges whose text holds what is typed: case aside, and without accents when none are typed ("molndal" finds
   Mölndal, "ö" only ö). A region with no match is hidden; the line below the field says how many match. Enter
   or the down arrow in the field moves to the first match. A radio ticked sets the value of the hidden input
   the page's callbacks read (the picker's data-target) and clears the other regions' radios. */
(function () {
    function plain(text) {
        return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    }
    function matches(text, query) {
        if (!query) { return true; }
        const lower = text.toLowerCase();
        return lower.includes(query) || (plain(query) === query && plain(lower).includes(query));
    }
    function filter(root) {
        const query = root.querySelector(".pm-picker-search input").value.trim().toLowerCase();
        let shown = 0;
        root.querySelectorAll(".pm-picker-group").forEach(function (group) {
            let found = 0;
            if (group.dataset.choices) {
                const options = JSON.parse(group.dataset.choices).filter(function (c) { return matches(c.label, query); });
                const radios = group.querySelector(".pm-picker-radios");
                window.dash_clientside.set_props(radios.id, {options: options});
                found = options.length;
            } else {
                group.querySelectorAll(".pm-picker-choice").forEach(function (choice) {
                    const hit = matches(choice.textContent, query);
                    choice.hidden = !hit;
                    if (hit) { found += 1; }
                });
            }
            group.hidden = found === 0;
            shown += found;
        });
        const list = root.querySelector(".pm-picker-list");
        if (list) { list.scrollTop = 0; }  // the matches from the first, not where the list was scrolled to
        const status = root.querySelector(".pm-picker-found");
        clearTimeout(root.__pmStatus);  // said once typing pauses, not at every letter
        root.__pmStatus = setTimeout(function () {
            status.textContent = !query ? status.dataset.all
                : shown ? status.dataset.some.replace("{shown}", String(shown)) : status.dataset.none;
        }, 300);
    }
    // dcc.Input puts its className on a box around the field.
    function isSearch(target) { return target.matches && target.matches(".pm-picker-search input"); }
    document.addEventListener("input", function (event) {
        if (isSearch(event.target)) { filter(event.target.closest(".pm-picker")); }
    });
    // dcc.Input takes no aria attributes: the field is described by the count line when it takes the focus.
    document.addEventListener("focusin", function (event) {
        if (isSearch(event.target) && !event.target.hasAttribute("aria-describedby")) {
            const status = event.target.closest(".pm-picker").querySelector(".pm-picker-found");
            event.target.setAttribute("aria-describedby", status.id);
        }
    });
    document.addEventListener("keydown", function (event) {
        if (!isSearch(event.target) || (event.key !== "Enter" && event.key !== "ArrowDown")) { return; }
        event.preventDefault();  // the field stands in a form: Enter would submit it
        const root = event.target.closest(".pm-picker");
        // Dash draws the narrowed radios a moment after typing: wait for them.
        setTimeout(function () {
            const first = root.querySelector(".pm-picker-group:not([hidden]) input[type=radio], " +
                                             ".pm-picker-choice:not([hidden]) a");
            if (first) { first.focus(); }
        }, 50);
    });
    // The list opens scrolled to the pledge the page shows, so the choice is in sight (once per list drawn).
    function reveal() {
        document.querySelectorAll(".pm-picker-list").forEach(function (list) {
            const ticked = !list.__pmRevealed && list.querySelector("input:checked");
            if (!ticked) { return; }
            list.__pmRevealed = true;
            const label = ticked.closest("label");
            list.scrollTop = label.getBoundingClientRect().top - list.getBoundingClientRect().top + list.scrollTop -
                list.clientHeight / 3;
        });
    }
    function start() {
        reveal();
        new MutationObserver(reveal).observe(document.body, {subtree: true, childList: true});
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
    document.addEventListener("change", function (event) {
        const radio = event.target;
        if (!(radio.matches && radio.matches(".pm-picker-radios input[type=radio]"))) { return; }
        const root = radio.closest(".pm-picker");
        const own = radio.closest(".pm-picker-radios");
        root.querySelectorAll(".pm-picker-radios").forEach(function (radios) {
            if (radios !== own) { window.dash_clientside.set_props(radios.id, {value: null}); }
        });
        window.dash_clientside.set_props(root.dataset.target, {value: radio.value});
    });
})();
