/* Pledgemap's plotly.js: the core and only the trace types the app's figures use.
   build.js bundles this into dashboard/assets/vendor/plotly/plotly.min.js; see that folder's SOURCE.md.
   A new trace type in a figure goes here too (and in SOURCE.md), then the bundle is rebuilt. */
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/scatter'),
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scattermap'),
    require('plotly.js/lib/choroplethmap'),
]);

module.exports = Plotly;
