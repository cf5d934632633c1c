// The congress in a real browser on the demo organization, at 360 px
// with JavaScript off and on: the chair's overview and participants, a
// delegate's mandates and badge, the door team scanning a badge (its
// link, as a phone's camera opens it) and checking the delegate in, the
// delegate's own badge. Nothing wider than the screen, axe-core finding
// nothing serious or critical, a screenshot of each in
// build/test-output/browser/congress-*.png.
import { axe, browser, check, look as lookAt, shot, signIn, startServer, watch } from "../browser/lib.mjs";

const srv = await startServer({ demo: true });
const b = await browser();
const W = 360;
let failed = false;
const look = (page, label, problems, js) => lookAt(page, "congress", label, problems, js, W);

async function run(js) {
  const problems = [];
  const opts = { viewport: { width: W, height: 760 }, javaScriptEnabled: js, bypassCSP: js };
  // the chair
  const cc = await b.newContext(opts);
  const chair = await cc.newPage();
  problems.push(...watch(chair, "chair"));
  await signIn(chair, srv.base, "chair@example.org");
  await chair.goto(srv.base + "/congress");
  await Promise.all([chair.waitForNavigation(), chair.click("ul.rows a")]);
  const congress = chair.url().replace(srv.base, "");
  let item;
  check(/^\/congress\/\d+$/.test(congress), "the congress opens: " + congress);
  check((await chair.textContent("#presence")).length > 0, "presence is shown");
  const quorum = await chair.getAttribute("#presence", "data-quorum");
  check(quorum === "1", "the demo congress has its quorum: " + quorum);
  await look(chair, "overview", problems, js);
  await chair.goto(srv.base + congress + "/participants");
  const rows = await chair.locator("table.stack tbody tr").count();
  check(rows > 40, "the demo's delegates are registered: " + rows);
  await look(chair, "participants", problems, js);
  // a guest's badge, to print or send (one with an account has it on
  // their phone)
  await chair.click("table.stack tbody a.row >> text=A lawyer of the strike committee");
  await chair.waitForURL(/\/participants\/\d+$/);
  check(await chair.locator("svg.qr").count() === 1, "the guest's badge is shown to the registrar");
  const link = (await chair.textContent("#badge-link")).trim();
  check(link.includes("/door?code="), "its link opens the door: " + link);
  await look(chair, "participant", problems, js);
  // the agenda: an item added and made current
  await chair.goto(srv.base + congress + "/agenda");
  await chair.fill("#title", "Report " + (js ? "with" : "without") + " JavaScript");
  await Promise.all([chair.waitForNavigation(), chair.click("form[action*='/agenda?'] button[type=submit]")]);
  await look(chair, "agenda", problems, js);
  await Promise.all([chair.waitForNavigation(), chair.click("ol.agenda li:last-child a")]);
  item = chair.url().replace(srv.base, "");
  await Promise.all([chair.waitForNavigation(), chair.click("button[value=current]")]);
  check(await chair.getAttribute("#item-state", "data-state") === "current", "the item is current");
  await cc.close();

  // the door team opens the badge's link and checks her in or out
  const dc = await b.newContext(opts);
  const door = await dc.newPage();
  problems.push(...watch(door, "door"));
  await signIn(door, srv.base, "door@example.org");
  await door.goto(link.replace(/^https?:\/\/[^/]+/, srv.base));
  check((await door.textContent("main")).includes("A lawyer of the strike committee"), "the badge's holder is shown");
  await look(door, "door-scanned", problems, js);
  const before = Number(await door.getAttribute("#in-hall", "data-present"));
  const button = door.locator("ul.rows form button");
  const going = await button.getAttribute("value");
  await Promise.all([door.waitForNavigation(), button.click()]);
  const after = Number(await door.getAttribute("#in-hall", "data-present"));
  check(after === before + (going === "in" ? 1 : -1), `in the hall: ${before} → ${after} (${going})`);
  await door.fill("#q", "sau");
  await Promise.all([door.waitForNavigation(), door.click("form[role=search] button")]);
  check((await door.textContent("ul.rows")).includes("Saule"), "found by part of her name");
  await look(door, "door-search", problems, js);
  await dc.close();

  // the delegate
  const mc = await b.newContext(opts);
  const me = await mc.newPage();
  problems.push(...watch(me, "delegate"));
  await signIn(me, srv.base, "member@example.org");
  await me.goto(srv.base + congress);
  check(await me.locator("#h-me").count() === 1, "she sees herself among the participants");
  await look(me, "delegate-overview", problems, js);
  await me.goto(srv.base + congress + "/badge");
  check(await me.locator("svg.qr").count() === 1, "her badge");
  await look(me, "delegate-badge", problems, js);
  // she asks to speak on the current item
  await me.goto(srv.base + item);
  await Promise.all([me.waitForNavigation(), me.click("form[action$='/speakers?_csrf=' i] button, form[action*='/speakers?'] button:not([name])")]);
  check(await me.locator("#queue li.mine").count() === 1, "she is on the list");
  await look(me, "delegate-item", problems, js);
  await mc.close();
  // the hall's screen, open before the chair acts
  const pc = await b.newContext({ ...opts, viewport: { width: 1280, height: 720 } });
  const proj = await pc.newPage();
  problems.push(...watch(proj, "projector"));
  await signIn(proj, srv.base, "member@example.org");
  await proj.goto(srv.base + congress + "/projector");
  check(await proj.locator(".projector-speaker").count() === 0, "nobody speaks yet");
  check((await proj.textContent(".projector-next")).includes("Saule"), "she is next");
  // the chair sees her and gives her the floor
  const cc2 = await b.newContext(opts);
  const ch2 = await cc2.newPage();
  problems.push(...watch(ch2, "chair"));
  await signIn(ch2, srv.base, "chair@example.org");
  await ch2.goto(srv.base + item);
  await Promise.all([ch2.waitForNavigation(), ch2.click("#queue li.mine button[value=floor], #queue li button[value=floor]")]);
  check(await ch2.locator("#speaking").count() === 1, "she has the floor");
  await look(ch2, "chair-item", problems, js);
  await cc2.close();
  if (js) {
    // the projector follows without a reload, and counts down
    await proj.waitForFunction(() => ((document.querySelector(".projector-speaker") || {}).textContent || "").includes("Saule"),
      null, { timeout: 10000 });
    await proj.waitForFunction(() => /\d+:\d\d/.test((document.querySelector(".clock-text") || {}).textContent || ""),
      null, { timeout: 5000 });
  } else {
    await proj.reload();
    check((await proj.textContent(".projector-speaker")).includes("Saule"), "a reload shows her");
  }
  await shot(proj, `congress-${js ? "js" : "nojs"}-projector`);
  if (js) problems.push(...(await axe(proj, "projector")));
  await pc.close();
  if (js) {
    // the audit log grows while it is open (it pages by cursor now)
    const ac = await b.newContext({ viewport: { width: 1024, height: 768 } });
    const adm = await ac.newPage();
    problems.push(...watch(adm, "audit"));
    await signIn(adm, srv.base, "admin@example.org");
    await adm.goto(srv.base + "/audit");
    const before = await adm.locator("[data-live-audit] tbody tr").count();
    await adm.waitForSelector("#live-status:not([hidden])", { timeout: 5000 });
    const other = await b.newContext();
    const op = await other.newPage();
    await op.goto(srv.base + "/login");
    await op.fill("#email", "nobody@example.org");
    await op.fill("#password", "wrong password");
    await Promise.all([op.waitForNavigation(), op.click("main button[type=submit]")]);
    await other.close();
    await adm.waitForFunction((n) => document.querySelectorAll("[data-live-audit] tbody tr").length > n,
      before, { timeout: 10000 });
    await ac.close();
  }
  return problems;
}

try {
  const problems = [...(await run(false)), ...(await run(true))];
  check(problems.length === 0, "\n" + problems.join("\n"));
  console.log("browser: congress flow passed");
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await b.close();
  await srv.stop();
}
process.exit(failed ? 1 : 0);
