/* Plotly in Swedish: the locale "sv" that every chart's config.locale names on a Swedish page
   (dashboard.figures.style.graph_config). Pledgemap's own wording, not a copy of plotly's locale files.

   Plotly reads window.PlotlyLocales once, when its bundle runs; Dash loads that bundle after the app's assets,
   so the locale is queued there. Should plotly already be loaded, it is registered directly.
   The map's attribution button is MapLibre's, which plotly starts without a locale: its title is set from
   the same dictionary once a map is drawn. */
(function () {
    "use strict";
    const dictionary = {
        // The modebar
        "Autoscale": "Anpassa axlarna",
        "Box Select": "Välj med rektangel",
        "Compare data on hover": "Jämför värden vid hovring",
        "Download plot": "Ladda ned diagrammet",
        "Download plot as a PNG": "Ladda ned diagrammet som PNG",
        "Download plot as a png": "Ladda ned diagrammet som PNG",
        "Download plot as JSON": "Ladda ned diagrammet som JSON",
        "Draw circle": "Rita cirkel",
        "Draw closed freeform": "Rita sluten frihandsform",
        "Draw line": "Rita linje",
        "Draw open freeform": "Rita öppen frihandsform",
        "Draw rectangle": "Rita rektangel",
        "Erase active shape": "Radera vald form",
        "Lasso Select": "Välj med lasso",
        "Orbital rotation": "Fri rotation",
        "Pan": "Panorera",
        "Reset": "Återställ",
        "Reset axes": "Återställ axlarna",
        "Reset camera to default": "Återställ kameran",
        "Reset camera to last save": "Återställ kameran till senast sparade",
        "Reset view": "Återställ vyn",
        "Reset views": "Återställ vyerna",
        "Show closest data on hover": "Visa närmaste värde vid hovring",
        "Toggle Spike Lines": "Visa eller dölj hjälplinjer",
        "Toggle show closest data on hover": "Växla visning av närmaste värde vid hovring",
        "Turntable rotation": "Rotation runt axeln",
        "Zoom": "Zooma",
        "Zoom in": "Zooma in",
        "Zoom out": "Zooma ut",
        "Produced with Plotly.js": "Gjord med Plotly.js",
        // Messages and hints
        "Double-click on legend to isolate one trace": "Dubbelklicka på en förklaring för att visa bara den",
        "Double-click to zoom back out": "Dubbelklicka för att zooma ut igen",
        "Taking snapshot - this may take a few seconds": "Sparar bilden – det kan ta några sekunder",
        "Snapshot succeeded": "Bilden är sparad",
        "Sorry, there was a problem downloading your snapshot!": "Bilden kunde inte laddas ned.",
        "Sorry, there was a problem downloading your image!": "Bilden kunde inte laddas ned.",
        "Sorry, there was a problem downloading your JSON file!": "JSON-filen kunde inte laddas ned.",
        "Click to enter Colorscale title": "Klicka för att skriva färgskalans rubrik",
        "Click to enter Colourscale title": "Klicka för att skriva färgskalans rubrik",
        "Click to enter Plot title": "Klicka för att skriva diagrammets rubrik",
        "Click to enter Plot subtitle": "Klicka för att skriva diagrammets underrubrik",
        "Click to enter X axis title": "Klicka för att skriva x-axelns rubrik",
        "Click to enter Y axis title": "Klicka för att skriva y-axelns rubrik",
        "Click to enter radial axis title": "Klicka för att skriva radialaxelns rubrik",
        "new text": "ny text",
        "trace": "serie",
        // Hover labels of statistical charts
        "max": "max",
        "min": "min",
        "mean": "medel",
        "median": "median",
        "q1": "k1",
        "q3": "k3",
        "lat": "lat",
        "lon": "lon",
        // The map (MapLibre's control, titled by this script)
        "Toggle attribution": "Visa eller dölj källhänvisning",
    };
    const locale = {
        moduleType: "locale",
        name: "sv",
        dictionary: dictionary,
        format: {
            days: ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
            shortDays: ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
            months: ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
                "oktober", "november", "december"],
            shortMonths: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
            date: "%Y-%m-%d",
            decimal: ",",
            thousands: "\u00a0",
            year: "%Y",
            month: "%b %Y",
            dayMonth: "%-d %b",
            dayMonthYear: "%-d %b %Y",
        },
    };
    if (window.Plotly && window.Plotly.register) {
        window.Plotly.register(locale);
    } else {
        window.PlotlyLocales = (window.PlotlyLocales || []).concat([locale]);
    }

    /* MapLibre's attribution button: its title and label in the chart's language. */
    const MAPLIBRE_KEY = "AttributionControl.ToggleAttribution";
    const titleAttribution = function (button) {
        const gd = button.closest(".js-plotly-plot");
        const lang = gd && gd._context && gd._context.locale;
        if (!lang || lang.split("-")[0] !== "sv") { return; }
        const text = dictionary["Toggle attribution"];
        const map = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot &&
            gd._fullLayout.map._subplot.map;
        if (map && map._locale) { map._locale[MAPLIBRE_KEY] = text; }  // MapLibre sets the title again on resize
        if (button.title !== text) {
            button.title = text;
            button.setAttribute("aria-label", text);
        }
    };
    const observer = new MutationObserver(function () {
        document.querySelectorAll(".maplibregl-ctrl-attrib-button").forEach(titleAttribution);
    });
    const start = function () {
        observer.observe(document.body, {childList: true, subtree: true, attributes: true, attributeFilter: ["title"]});
    };
    if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
