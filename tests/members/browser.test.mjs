// The member registry in a real browser on the demo organization: an
// Aktau organizer searches, opens a record, adds a member and records
// dues — on a desktop, on a narrow phone screen, and with JavaScript off;
// a stranger applies and is accepted; a member corrects her own record,
// downloads it and leaves; two officers save one record and the second
// sees both.
// Screenshots in build/test-output/browser/members-*.png.
import { DEMO_PASSWORD, browser, check, shot, signIn, startServer, watch } from "../browser/lib.mjs";

const srv = await startServer({ demo: true });
const b = await browser();
let failed = false;

async function addMember(page, name, phone) {
  await page.goto(srv.base + "/members/new");
  await page.fill("#display_name", name);
  await page.fill("#legal_name", name + " Legal");
  await page.fill("#phone", phone);
  await page.selectOption("#branch", { index: 1 });
  await page.check("input[name=consent_sms]");
  await page.click("form[action^='/members?'] button[type=submit]");
  await page.waitForURL(/\/members\/\d+$/);
  check((await page.textContent("h1")).includes(name), "the new record opens");
  check(await page.isVisible(".flash"), "a message says it was added");
}

try {
  // ---- desktop ----
  const ctx = await b.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await ctx.newPage();
  const problems = watch(page, "desktop");
  await signIn(page, srv.base, "aktau@example.org");
  await page.click("nav.main a[href='/members']");
  await page.waitForURL("**/members");
  const rows = await page.locator("table.stack tbody tr").count();
  check(rows > 3, "the Aktau organizer sees the Aktau members: " + rows);
  const branches = await page.locator("table.stack tbody td:nth-child(2)").allTextContents();
  check(branches.every((t) => t.startsWith("Aktau")), "only Aktau people: " + branches.join(", "));
  await shot(page, "members-01-list");
  await page.fill("#q", "555");
  await page.click("form[role=search] button[type=submit]");
  await page.waitForURL(/q=555/);
  await page.locator("table.stack tbody a").first().click();
  await page.waitForURL(/\/members\/\d+$/);
  check(/\+7 \d{3} \d{3} \d{2} \d{2}/.test(await page.textContent("dl.facts")), "the sealed phone is shown, opened");
  await shot(page, "members-02-person");
  await page.fill("#amount", "1500");
  await Promise.all([
    page.waitForNavigation(),
    page.click("form[action*='/dues?'] button[type=submit]"),
  ]);
  const dues = await page.textContent("section[aria-labelledby=h-dues]");
  check(dues.includes("1500.00 KZT"), "the payment is listed: " + dues);
  await addMember(page, "Browser Person", "+7 701 000 11 22");
  await shot(page, "members-03-added");
  await page.goto(srv.base + "/branches");
  await shot(page, "members-04-branches");
  check(problems.length === 0, problems.join("\n"));
  await ctx.close();

  // ---- a narrow phone screen ----
  const phone = await b.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
  const pp = await phone.newPage();
  const pproblems = watch(pp, "phone");
  await signIn(pp, srv.base, "aktau@example.org");
  await pp.goto(srv.base + "/members");
  const width = await pp.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 360, "the list fits a phone without sideways scrolling: " + width);
  await shot(pp, "members-05-phone-list");
  await pp.locator("table.stack tbody a").first().click();
  await pp.waitForURL(/\/members\/\d+$/);
  const w2 = await pp.evaluate(() => document.documentElement.scrollWidth);
  check(w2 <= 360, "a record fits a phone: " + w2);
  await shot(pp, "members-06-phone-person");
  check(pproblems.length === 0, pproblems.join("\n"));
  await phone.close();

  // ---- JavaScript off ----
  const nojs = await b.newContext({ javaScriptEnabled: false, viewport: { width: 1024, height: 768 } });
  const np = await nojs.newPage();
  await signIn(np, srv.base, "karaganda@example.org");
  await np.goto(srv.base + "/members?q=555");
  check(await np.locator("table.stack tbody tr").count() > 0, "search works without JavaScript");
  await addMember(np, "No Script Person", "+7 702 000 11 22");
  await shot(np, "members-07-nojs");
  await nojs.close();

  // ---- a stranger applies (no JavaScript, phone width); Aktau vets ----
  const anon = await b.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const ap = await anon.newPage();
  await ap.goto(srv.base + "/");
  await ap.click("nav.main a[href='/join']");
  await ap.fill("#display_name", "Browser Applicant");
  await ap.fill("#phone", "+7 701 000 33 44");
  await ap.selectOption("#branch", { label: "Aktau" });
  await ap.fill("#message", "I work at the port.");
  const hp = await ap.locator("#website").boundingBox();
  check(!hp || hp.x + hp.width <= 0, "the bots' field is off screen: " + JSON.stringify(hp));
  await shot(ap, "members-08-join-phone");
  await ap.waitForTimeout(3200); // the form's minimum age
  await ap.click("form[action^='/join?'] button[type=submit]");
  await ap.waitForSelector("h1");
  await shot(ap, "members-09-join-done");
  check(!(await ap.content()).includes("Browser Applicant"), "the thank-you page echoes nothing");
  await anon.close();
  const vet = await b.newContext({ viewport: { width: 1280, height: 860 } });
  const vp = await vet.newPage();
  await signIn(vp, srv.base, "aktau@example.org");
  await vp.goto(srv.base + "/applications");
  await vp.click("text=Browser Applicant >> xpath=ancestor::tr >> a");
  await vp.waitForURL(/\/applications\/\d+$/);
  check((await vp.textContent("dl.facts")).includes("+7 701 000 33 44"), "the officer reads the sealed application");
  await shot(vp, "members-10-application");
  await Promise.all([vp.waitForNavigation(), vp.click("button[value=approve]")]);
  check(/\/members\/\d+$/.test(vp.url()), "accepting opens the new member: " + vp.url());
  await vet.close();

  // ---- a phone held outside Aktau: the Aktau organizer is not told;
  // the national coordinator reviews the two records on a phone, without
  // JavaScript, and keeps them apart ----
  const adm = await b.newContext({ viewport: { width: 1280, height: 860 } });
  const adp = await adm.newPage();
  await signIn(adp, srv.base, "admin@example.org");
  await adp.goto(srv.base + "/members");
  await adp.selectOption("#branch", { label: "Karaganda" });
  await adp.click("form[role=search] button[type=submit]");
  await adp.waitForURL(/branch=/);
  await adp.locator("table.stack tbody a").first().click();
  await adp.waitForURL(/\/members\/\d+$/);
  const held = (await adp.textContent("dl.facts")).match(/\+7 \d{3} \d{3} \d{2} \d{2}/);
  check(held, "a Karaganda member has a phone");
  await adm.close();
  const ak = await b.newContext({ viewport: { width: 1280, height: 860 } });
  const akp = await ak.newPage();
  await signIn(akp, srv.base, "aktau@example.org");
  await addMember(akp, "Same Phone Person", held[0]);
  check(!(await akp.content()).includes("/members/reviews"), "the writer sees no review");
  // a branch coordinator invites an account: an invitation, no link
  await akp.goto(srv.base + "/admin/users/new");
  await akp.fill("#display_name", "Cell Secretary");
  await akp.fill("#email", "karaganda@example.org");
  await akp.selectOption("#role", "coordinator");
  await akp.selectOption("#scope", { index: 1 });
  await Promise.all([akp.waitForNavigation(), akp.click("form[action^='/admin/users?'] button[type=submit]")]);
  check(!(await akp.content()).includes("token="), "no link is shown to a branch coordinator");
  await shot(akp, "members-13-invitation-sent");
  await ak.close();
  const co = await b.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const cop = await co.newPage();
  await signIn(cop, srv.base, "coordinator@example.org");
  await cop.goto(srv.base + "/members");
  await cop.click("a[href='/members/reviews']");
  await cop.waitForURL(/\/members\/reviews$/);
  await cop.locator("table.stack tbody a").first().click();
  await cop.waitForURL(/\/members\/reviews\/\d+$/);
  const rw = await cop.evaluate(() => document.documentElement.scrollWidth);
  check(rw <= 360, "the review fits a phone: " + rw);
  check((await cop.content()).includes(held[0].slice(1)), "both records show the shared phone");
  await shot(cop, "members-14-review-phone");
  await Promise.all([cop.waitForNavigation(), cop.click("form:has(input[value=apart]) button[type=submit]")]);
  check(/\/members\/reviews$/.test(cop.url()), "back to the list: " + cop.url());
  check(await cop.locator("table.stack").count() === 0, "nothing left to review");
  await co.close();

  // ---- two officers edit one member: the second sees both (no lost
  // updates), on a phone without JavaScript ----
  {
    const first = await b.newContext({ viewport: { width: 1280, height: 860 } });
    const second = await b.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const p1 = await first.newPage();
    const p2 = await second.newPage();
    const seen2 = watch(p2, "conflict");
    await signIn(p1, srv.base, "aktau@example.org");
    await signIn(p2, srv.base, "coordinator@example.org");
    await p1.goto(srv.base + "/members");
    const href = await p1.locator("table.stack tbody a.row").first().getAttribute("href");
    await p1.goto(srv.base + href + "/edit");
    await p2.goto(srv.base + href + "/edit");
    await p1.fill("#workplace", "Saved first, at the port");
    const save = `form[action^='${href}?'] button[type=submit]`;
    await Promise.all([p1.waitForNavigation(), p1.click(save)]);
    await p2.fill("#workplace", "Typed second, at the depot");
    const [res] = await Promise.all([p2.waitForNavigation(), p2.click(save)]);
    check(res.status() === 409, "the second save is refused: " + res.status());
    check(await p2.isVisible(".error-box[role=alert]"), "a message says why, at the top");
    check(await p2.inputValue("#workplace") === "Typed second, at the depot", "what was typed is kept");
    check((await p2.textContent("#workplace-now")).includes("Saved first, at the port"),
      "what the first saved is beside the field");
    check((await p2.getAttribute("#workplace", "aria-describedby") || "").includes("workplace-now"),
      "the field names it for screen readers");
    const cw = await p2.evaluate(() => document.documentElement.scrollWidth);
    check(cw <= 390, "the conflict fits a phone: " + cw);
    await p2.locator("#workplace").scrollIntoViewIfNeeded();
    await shot(p2, "members-15-conflict-phone");
    // saving again, both in view, goes through
    await Promise.all([p2.waitForNavigation(), p2.click(save)]);
    check(/\/members\/\d+$/.test(p2.url()), "saved from the conflict page: " + p2.url());
    // the 409 itself is logged by the browser as a failed load: expected
    const other = seen2.filter((l) => !l.includes("status of 409"));
    check(other.length === 0, other.join("\n"));
    await first.close();
    await second.close();
  }

  // ---- a member on a phone, JavaScript off: her record, a correction,
  // her data, leaving ----
  const mem = await b.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const mp = await mem.newPage();
  await signIn(mp, srv.base, "member@example.org");
  check(await mp.locator("nav.main a[href='/me']").count() === 1, "the menu leads to her membership");
  await mp.goto(srv.base + "/me");
  check(/\+7 \d{3} \d{3} \d{2} \d{2}/.test(await mp.inputValue("#phone")), "she sees her own phone, opened");
  const mw = await mp.evaluate(() => document.documentElement.scrollWidth);
  check(mw <= 360, "her page fits a phone: " + mw);
  await shot(mp, "members-11-me-phone");
  await mp.fill("#workplace", "Port of Aktau, crane 4");
  await Promise.all([mp.waitForNavigation(), mp.click("form[action^='/me?'] button[type=submit]")]);
  check(await mp.inputValue("#workplace") === "Port of Aktau, crane 4", "her correction is kept");
  const data = await mp.request.get(srv.base + "/me/data.json");
  check(data.status() === 200, "her data downloads: " + data.status());
  const mine = await data.json();
  check(mine.person && mine.person.workplace === "Port of Aktau, crane 4", "the download holds her record");
  await mp.goto(srv.base + "/me/leave");
  await mp.fill("#password", DEMO_PASSWORD);
  await Promise.all([mp.waitForNavigation(), mp.click("form[action^='/me/leave?'] button[type=submit]")]);
  await shot(mp, "members-12-left");
  check(await mp.locator("nav.main a[href='/me']").count() === 0, "the goodbye page shows no one signed in");
  await mp.goto(srv.base + "/me");
  check(/\/login/.test(mp.url()), "after leaving she is signed out: " + mp.url());
  await mem.close();
  console.log("browser: members flow passed");
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await b.close();
  await srv.stop();
}
process.exit(failed ? 1 : 0);
