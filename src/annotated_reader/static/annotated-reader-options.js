// Page options that themes write as inline scripts ("DOCUMENTATION_OPTIONS.
// pagename = ..."), read from this script's data attributes instead, so that
// pages work under the Content-Security-Policy "script-src 'self'".
(() => {
  "use strict";
  const options = document.currentScript.dataset;
  for (const [name, value] of Object.entries(options)) {
    DOCUMENTATION_OPTIONS[name] = JSON.parse(value);
  }
})();
