// Every JSON answer the HTTP tests received under /api/v1/ (recorded by
// tests/http/harness.c in the file RUDDER_API_RECORD names), checked
// against docs/api/openapi.yaml: the operation's response for that
// status must be described, and the body must match its schema (ajv).
// An answer to a path or method the API does not have must still be the
// one error shape. Fails on the first file with any mismatch, listing
// each once.
//   node tests/api/responses.mjs docs/api/openapi.yaml RECORD.jsonl
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";

const [specPath, recordPath] = process.argv.slice(2);
const api = await SwaggerParser.dereference(specPath);
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const routes = Object.entries(api.paths).map(([tmpl, item]) => ({
  tmpl, item,
  re: new RegExp("^" + tmpl.replace(/\{[^}]+\}/g, "[^/]+") + "$"),
}));
const errorSchema = ajv.compile(api.components.schemas.Error);
const compiled = new Map();
const problems = new Set();
const seen = new Set();
let checked = 0;

function validator(key, schema) {
  if (!compiled.has(key)) compiled.set(key, ajv.compile(schema));
  return compiled.get(key);
}

const lines = readFileSync(recordPath, "utf8").split("\n").filter(Boolean);
for (const line of lines) {
  const r = JSON.parse(line);
  const path = r.path.split("?")[0];
  const route = routes.find((x) => x.re.test(path));
  const op = route && route.item[r.method.toLowerCase()];
  checked++;
  if (!op) {
    if (r.status < 400) problems.add(`${r.method} ${path}: ${r.status} from no described operation`);
    else if (!errorSchema(r.body)) problems.add(`${r.method} ${path}: ${r.status} is not the error shape: ${ajv.errorsText(errorSchema.errors)}`);
    continue;
  }
  const name = `${r.method} ${route.tmpl}`;
  seen.add(name);
  const res = op.responses[String(r.status)] || op.responses[`${String(r.status)[0]}XX`] || op.responses.default;
  if (!res) {
    problems.add(`${name}: answers ${r.status}, which its description does not list`);
    continue;
  }
  const schema = res.content && res.content["application/json"] && res.content["application/json"].schema;
  if (!schema) {
    problems.add(`${name}: ${r.status} answers JSON, described without a schema`);
    continue;
  }
  const v = validator(`${name} ${r.status}`, schema);
  if (!v(r.body))
    problems.add(`${name}: ${r.status} does not match its schema: ${ajv.errorsText(v.errors)}`);
}
for (const p of [...problems].sort()) console.error("api: " + p);
console.log(`api: ${checked} answers checked against the description, ${seen.size} operations seen`);
process.exit(problems.size ? 1 : 0);
