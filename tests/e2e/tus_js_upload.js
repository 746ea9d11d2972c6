// Uploads one file to the hub with tus-js-client, the reference tus client, under node.
// Usage: node tus_js_upload.js '{"endpoint": ..., "file": ..., "credential": ..., "options": {...}}'
// Prints {"url": ...} on success; exits 1 with the client's error otherwise.
"use strict";
const fs = require("fs");
const tus = require("tus-js-client");

const args = JSON.parse(process.argv[2]);
const data = fs.readFileSync(args.file);
const upload = new tus.Upload(data, {
  endpoint: args.endpoint,
  headers: { Authorization: `Bearer ${args.credential}` },
  metadata: { filename: "batch-000001.jjs", kind: "batch" },
  retryDelays: [],
  removeFingerprintOnSuccess: true,
  ...args.options,
  onError: (error) => {
    process.stderr.write(`${error}\n`);
    process.exit(1);
  },
  onSuccess: () => {
    process.stdout.write(JSON.stringify({ url: upload.url }) + "\n");
  },
});
upload.start();
