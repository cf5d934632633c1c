// Shared by the browser tests: a real rudder serve on a free loopback
// port with a fresh data directory, Debian's chromium, TOTP codes.
import { spawn, execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

export const ADMIN = { email: "admin@example.org", password: "admin password 1" };
const repo = resolve(new URL("../..", import.meta.url).pathname);
export const BIN = process.env.RUDDER_BIN || join(repo, "rudder");
export const OUT = join(repo, "build", "test-output", "browser");
mkdirSync(OUT, { recursive: true });

export function check(cond, msg) {
  if (!cond) throw new Error("check failed: " + msg);
}

// A fresh data directory made by `rudder init`, or with { demo: true } by
// `rudder demo --no-serve` (passphrase "demo", every password
// DEMO_PASSWORD), then `rudder serve` on a free port.
export async function startServer(opts = {}) {
  const root = mkdtempSync(join(tmpdir(), "rudder-browser-"));
  const dir = join(root, "data");
  if (opts.demo) {
    writeFileSync(join(root, "pass"), "demo\n");
    execFileSync(BIN, ["demo", "--data", dir, "--no-serve"], { stdio: ["ignore", "ignore", "inherit"] });
  } else {
    writeFileSync(join(root, "pass"), "browser passphrase\n");
    writeFileSync(join(root, "adminpw"), ADMIN.password + "\n");
    execFileSync(BIN, ["init", "--data", dir, "--admin-email", ADMIN.email,
      "--admin-password-file", join(root, "adminpw"), "--passphrase-file",
      join(root, "pass"), "--kdf", "interactive", "--backup-key-out",
      join(root, "backup.key"), "--org-name", "Socialist Movement Kazakhstan"],
      { stdio: ["ignore", "ignore", "inherit"] });
  }
  const proc = spawn(BIN, ["serve", "--data", dir, "--passphrase-file",
    join(root, "pass"), "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((ok, fail) => {
    let seen = "";
    proc.stdout.on("data", (d) => {
      seen += d;
      const m = seen.match(/\(port (\d+)\)/);
      if (m) ok(Number(m[1]));
    });
    proc.on("exit", (code) => fail(new Error("rudder serve exited " + code)));
    setTimeout(() => fail(new Error("rudder serve did not start")), 20000);
  });
  return {
    base: `http://127.0.0.1:${port}`,
    async stop() {
      const done = new Promise((ok) => proc.on("exit", (code) => ok(code)));
      proc.kill("SIGTERM");
      const code = await done;
      rmSync(root, { recursive: true, force: true });
      check(code === 0, "rudder serve exits cleanly, got " + code);
    },
  };
}

export const DEMO_PASSWORD = "rudder-demo";

// Signs in on the login page (no second factor: the demo does not ask).
export async function signIn(page, base, email, password = DEMO_PASSWORD) {
  await page.goto(base + "/login");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("button[type=submit]:has-text('Sign in'), main button[type=submit]");
  await page.waitForURL((u) => u.pathname !== "/login");
}

export async function browser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// RFC 6238 code for a base32 secret; `offset` steps ahead.
export function totp(secret, offset = 0) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secret.replace(/=+$/, "")) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + offset));
  const h = createHmac("sha1", Buffer.from(bytes)).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, "0");
}

// Fails the test on CSP violations and script errors.
export function watch(page, label) {
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${label}: console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${label}: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith("http://127.0.0.1:")) problems.push(`${label}: external request ${r.url()}`);
  });
  return problems;
}

// axe-core's findings of impact "serious" or "critical" on the page, as
// lines; the page's context needs { bypassCSP: true } for axe to load.
const AXE = join(repo, "tests", "browser", "node_modules", "axe-core", "axe.min.js");
export async function axe(page, label) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  return found.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${label}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.join(", ")}`);
}

export async function shot(page, name) {
  await page.screenshot({ path: join(OUT, name + ".png"), fullPage: true });
}

// A phone page looked at: nothing wider than `width`, a screenshot
// PREFIX-js|nojs-LABEL.png, and (with JavaScript) axe's serious or
// critical findings; every problem pushed onto problems.
export async function look(page, prefix, label, problems, js, width = 360) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide > width) problems.push(`${label}: ${wide} px wide on a ${width} px screen`);
  await shot(page, `${prefix}-${js ? "js" : "nojs"}-${label}`);
  if (js) problems.push(...(await axe(page, label)));
}
