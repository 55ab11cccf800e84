/* Builds dashboard/assets/vendor/plotly/plotly.min.js from index.js with esbuild.

   index.js names the trace types (plotly.js's own lib/<name>.js). MapLibre's stylesheet,
   which plotly.js requires when a map trace registers, becomes a <style> element added once, as in
   plotly.js's own bundles. Run with `npm ci && npm run build` in this folder. */
'use strict';

const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const out = path.resolve(__dirname, '../../dashboard/assets/vendor/plotly/plotly.min.js');

// A required .css file: a script that adds its rules to the page once.
const styleSheets = {
    name: 'style-sheets',
    setup(build) {
        build.onLoad({ filter: /\.css$/ }, async (args) => {
            const css = (await esbuild.transform(await fs.promises.readFile(args.path, 'utf8'), {
                loader: 'css',
                minify: true,
            })).code.trim();
            const id = 'plotly-css-' + path.basename(args.path, '.css');
            return {
                contents:
                    `if (!document.getElementById(${JSON.stringify(id)})) {\n` +
                    `  var style = document.createElement('style');\n` +
                    `  style.id = ${JSON.stringify(id)};\n` +
                    `  style.textContent = ${JSON.stringify(css)};\n` +
                    `  document.head.appendChild(style);\n` +
                    `}\n`,
                loader: 'js',
            };
        });
    },
};

esbuild
    .build({
        entryPoints: [path.join(__dirname, 'index.js')],
        outfile: out,
        bundle: true,
        minify: true,
        format: 'iife',
        globalName: 'Plotly',
        platform: 'browser',
        target: 'es2016',
        legalComments: 'eof',
        banner: {
            js: `/* plotly.js ${require('plotly.js/package.json').version} (MIT, see LICENSE), Pledgemap's partial bundle: see SOURCE.md */`,
        },
        define: {
            global: 'window',
            'define.amd': 'false',
            'process.env.NODE_DEBUG': 'false',
        },
        plugins: [styleSheets],
        logLevel: 'info',
    })
    .catch(() => process.exit(1));
