// Bundles the page into dist/: app.js (three.js, Spark and uPlot included; nothing is fetched
// from the internet at run time), index.html, style.css and uPlot's stylesheet.
import * as esbuild from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "dist");
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist);
await esbuild.build({
  entryPoints: [path.join(here, "src", "main.js")],
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  outfile: path.join(dist, "app.js"),
  logLevel: "warning",
});
fs.copyFileSync(path.join(here, "src", "index.html"), path.join(dist, "index.html"));
fs.copyFileSync(path.join(here, "src", "style.css"), path.join(dist, "style.css"));
fs.copyFileSync(
  path.join(here, "node_modules", "uplot", "dist", "uPlot.min.css"),
  path.join(dist, "uPlot.min.css"),
);
console.log(`viewer built into ${dist}`);
