// The independent formatter for tests/test_citations.py: citeproc-js (the CSL
// processor of Zotero and Mendeley) formats CSL-JSON items with the CSL files
// and locale it is given, and prints the strings as JSON.
//
// stdin: {"locale": path, "jobs": [{"style": path, "items": [CSL-JSON],
//         "cite": [{"id", "locator", "label"}] (a citation) or absent (the
//         bibliography entry of the first item)}]}
// stdout: one HTML string per job.
"use strict";
const fs = require("fs");
const path = require("path");

const CSL = require(path.join(__dirname, "..", "node_modules", "citeproc"));
const request = JSON.parse(fs.readFileSync(0, "utf8"));
const locale = fs.readFileSync(request.locale, "utf8");

// Parsing a style is the slow part: one engine per style, and each job's
// items under ids of their own, so that the registry holds only them.
const engines = new Map();
let items = {};
const engineFor = (style) => {
  if (!engines.has(style)) {
    const sys = { retrieveLocale: () => locale, retrieveItem: (id) => items[id] };
    engines.set(style, new CSL.Engine(sys, fs.readFileSync(style, "utf8"), "en-US"));
    engines.get(style).setOutputFormat("html");
  }
  return engines.get(style);
};

const results = request.jobs.map((job, n) => {
  const own = (id) => `${n}:${id}`;
  items = Object.fromEntries(job.items.map((item) => [own(item.id), { ...item, id: own(item.id) }]));
  const engine = engineFor(job.style);
  if (job.cite) {
    engine.updateItems(job.cite.map((c) => own(c.id)));
    return engine.makeCitationCluster(job.cite.map((c) => ({ ...c, id: own(c.id) })));
  }
  engine.updateItems([own(job.items[0].id)]);
  const [, entries] = engine.makeBibliography();
  return entries[0].replace(/^\s*<div class="csl-entry">|<\/div>\s*$/g, "");
});
process.stdout.write(JSON.stringify(results));
