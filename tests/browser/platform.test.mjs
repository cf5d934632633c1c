// The platform in a real browser: sign in, enrol the second factor by
// reading the key the page shows, create an account, sign out — on a
// desktop, on a narrow phone screen, and with JavaScript turned off.
import { ADMIN, browser, check, shot, startServer, totp, watch } from "./lib.mjs";

const srv = await startServer();
const b = await browser();
let failed = false;
try {
  // ---- desktop, JavaScript on ----
  const ctx = await b.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await ctx.newPage();
  const problems = watch(page, "desktop");
  await page.goto(srv.base + "/");
  await page.click("text=Sign in");
  await page.fill("#email", ADMIN.email);
  await page.fill("#password", ADMIN.password);
  await shot(page, "01-login");
  await page.click("button[type=submit]:has-text('Sign in')");
  await page.waitForURL("**/account/totp**");
  check(await page.isVisible("svg.qr"), "the enrolment page shows a QR code");
  const secret = (await page.textContent("#totp-secret")).trim();
  check(/^[A-Z2-7]{32}$/.test(secret), "a base32 key is shown: " + secret);
  await shot(page, "02-enrol-totp");
  await page.fill("#code", totp(secret));
  await page.click("text=Turn on two-step sign-in");
  await page.waitForURL((u) => u.pathname === "/account" || u.pathname === "/");
  check((await page.textContent(".flash")).includes("Two-step sign-in is on"), "flash after enrolment");
  await shot(page, "03-account");

  await page.click("nav.main >> text=Accounts");
  await page.waitForURL("**/admin/users");
  await page.click("text=New account");
  await page.fill("#display_name", "Yerlan (Aktau)");
  await page.fill("#email", "yerlan@example.kz");
  await page.selectOption("#lang", "kk");
  await page.selectOption("#role", "coordinator");
  check(await page.inputValue("#scope") === "", "no branch is chosen until someone chooses");
  await page.selectOption("#scope", { index: 1 });
  await shot(page, "04-new-account");
  await page.click("text=Create account");
  await page.waitForSelector("#link");
  const link = (await page.textContent("#link")).trim();
  check(link.includes("/account/set-password?token="), "a one-time link is shown");
  check(await page.isVisible("button[data-copy]"), "with JavaScript, a copy button appears");
  await shot(page, "05-account-created");
  await page.click("text=Go to the account");
  check((await page.textContent("main")).includes("yerlan@example.kz"), "the account page");

  // the language switch submits itself on change
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === "/lang"),
    page.selectOption("#lang-select", "ru"),
  ]);
  await page.waitForLoadState("load");
  await page.waitForSelector("html[lang=ru]");
  check((await page.getAttribute("html", "lang")) === "ru", "the page is in Russian");
  await shot(page, "06-russian");

  await page.click("header >> button:has-text('Выйти')");
  await page.waitForURL("**/login");
  check((await page.textContent(".flash")).length > 0, "signed out message");
  await shot(page, "07-signed-out");
  check(problems.length === 0, problems.join("\n"));

  // ---- the invited person sets a password on a phone ----
  const phone = await b.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const p2 = await phone.newPage();
  const problems2 = watch(p2, "phone");
  await p2.goto(link.replace(/^https?:\/\/[^/]+/, srv.base));
  await shot(p2, "08-phone-set-password");
  await p2.fill("#password", "steppe wind blows");
  await p2.fill("#password2", "steppe wind blows");
  await p2.click("button[type=submit]");
  await p2.waitForURL("**/login");
  await p2.fill("#email", "yerlan@example.kz");
  await p2.fill("#password", "steppe wind blows");
  await p2.click("main button[type=submit]");
  await p2.waitForURL("**/account/totp**");
  const wide = await p2.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 375, "no sideways scrolling on a phone (" + wide + "px)");
  await shot(p2, "09-phone-enrol");
  check(problems2.length === 0, problems2.join("\n"));

  // ---- JavaScript off: everything still works ----
  const nojs = await b.newContext({ javaScriptEnabled: false, viewport: { width: 1024, height: 768 } });
  const p3 = await nojs.newPage();
  await p3.goto(srv.base + "/login");
  check(await p3.isVisible("form.lang button"), "without JavaScript the language button shows");
  await p3.selectOption("#lang-select", "kk");
  await Promise.all([p3.waitForResponse((r) => new URL(r.url()).pathname === "/lang"), p3.click("form.lang button")]);
  await p3.waitForSelector("html[lang=kk]");
  check((await p3.getAttribute("html", "lang")) === "kk", "language switch without JavaScript");
  await p3.fill("#email", ADMIN.email);
  await p3.fill("#password", ADMIN.password);
  await p3.click("main button[type=submit]");
  await p3.waitForURL("**/login/totp**");
  await p3.fill("#code", totp(secret, 1));
  await p3.click("main button[type=submit]");
  await p3.waitForURL((u) => !u.pathname.startsWith("/login"));
  await p3.goto(srv.base + "/audit");
  check((await p3.textContent("main")).includes("totp.enabled"), "the audit log without JavaScript");
  await shot(p3, "10-nojs-audit");
  console.log("browser: platform flow passed; screenshots in build/test-output/browser/");
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await b.close();
  await srv.stop();
}
process.exit(failed ? 1 : 0);
