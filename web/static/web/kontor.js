// Kontor's own behaviour for the pages; no inline scripts (the Content-Security-Policy forbids them).
// Each area adds a small function here and wires it on DOMContentLoaded and htmx:load.
"use strict";
