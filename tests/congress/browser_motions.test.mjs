// Motions and amendments in a real browser on the demo congress, at
// 360 px with JavaScript off and on: a delegate reads the motions, the
// draft programme's chapter with its amendments in place (one flagged as
// conflicting), amends a line from the numbered lines and reads her
// amendment as a diff; another supports the resolution; the chair admits
// the amendment. Nothing wider than the screen, axe-core finding nothing
// serious or critical, a screenshot of each in
// build/test-output/browser/motions-*.png.
import { axe, browser, check, look as lookAt, shot, signIn, startServer, watch } from "../browser/lib.mjs";

const srv = await startServer({ demo: true });
const b = await browser();
const W = 360;
let failed = false;
const look = (page, label, problems, js) => lookAt(page, "motions", label, problems, js, W);

async function run(js) {
  const problems = [];
  const opts = { viewport: { width: W, height: 760 }, javaScriptEnabled: js, bypassCSP: js };
  const mc = await b.newContext(opts);
  const me = await mc.newPage();
  problems.push(...watch(me, "delegate"));
  await signIn(me, srv.base, "member@example.org");
  await me.goto(srv.base + "/congress");
  await Promise.all([me.waitForNavigation(), me.click("ul.rows a")]);
  const congress = me.url().replace(srv.base, "");
  await Promise.all([me.waitForNavigation(), me.click(`a[href='${congress}/motions']`)]);
  const n = await me.locator("ul.motions li").count();
  check(n >= 5, "the demo's motions are listed: " + n);
  await look(me, "list", problems, js);
  // chapter 2 of the draft programme, with its amendments in place
  await Promise.all([me.waitForNavigation(), me.click("ul.motions a:has-text('chapter 2')")]);
  const motion = me.url().replace(srv.base, "");
  check(await me.locator(".amendment-here").count() >= 4, "its amendments are shown beside their lines");
  check(await me.locator(".amendment-here .badge.warn").count() >= 2, "a conflict is flagged on both");
  await look(me, "motion", problems, js);
  // she amends line 3 from the numbered lines
  await Promise.all([me.waitForNavigation(), me.click(`a[href='${motion}/amend']`)]);
  check(await me.locator("ol.numbered-lines li").count() > 10, "the lines are numbered");
  await look(me, "amend", problems, js);
  await me.selectOption("#op", "replace");
  await me.fill("#first_line", "3");
  await me.fill("#last_line", "3");
  await me.fill("#new_text", "The banks saved with public money " + (js ? "still" : "even now") + " demand payments from people");
  await Promise.all([me.waitForNavigation(), me.click("form[action$='/amendments?_csrf=' i] button[type=submit], form[action*='/amendments?'] button[type=submit]")]);
  check(/\/amendments\/\d+$/.test(me.url()), "her amendment's page: " + me.url());
  check(await me.locator("ol.diff del").count() === 1 && await me.locator("ol.diff ins").count() === 1,
    "the diff strikes one line and inserts one");
  const amendment = me.url().replace(srv.base, "");
  await look(me, "amendment", problems, js);
  // a line the motion does not have is refused beside its field
  await me.goto(srv.base + motion + "/amend");
  await me.fill("#first_line", "999");
  await me.fill("#last_line", "999");
  await me.fill("#new_text", "x");
  await Promise.all([me.waitForNavigation(), me.click("form[action*='/amendments?'] button[type=submit]")]);
  check(await me.locator("#first_line[aria-invalid=true]").count() === 1 && await me.locator(".field-error").count() >= 1, "refused beside the field");
  await look(me, "amend-refused", problems, js);
  await mc.close();

  // another delegate supports the resolution still gathering supporters
  const dc = await b.newContext(opts);
  const del = await dc.newPage();
  problems.push(...watch(del, "delegate2"));
  await signIn(del, srv.base, "delegate@example.org");
  await del.goto(srv.base + congress + "/motions");
  await Promise.all([del.waitForNavigation(), del.click("ul.motions a:has-text('Zhanaozen')")]);
  if (await del.locator("button[value=support]").count()) {
    await Promise.all([del.waitForNavigation(), del.click("button[value=support]")]);
    check(await del.locator("button[value=unsupport]").count() === 1, "her support is counted");
  } else {
    check(await del.locator("button[value=unsupport]").count() === 1, "she supports it (the first run)");
  }
  await look(del, "support", problems, js);
  await dc.close();

  // the chair admits the amendment
  const cc = await b.newContext(opts);
  const chair = await cc.newPage();
  problems.push(...watch(chair, "chair"));
  await signIn(chair, srv.base, "chair@example.org");
  await chair.goto(srv.base + amendment);
  await Promise.all([chair.waitForNavigation(), chair.click("button[name=to][value=admitted]")]);
  check(await chair.getAttribute("#amendment-state", "data-state") === "admitted", "admitted");
  await look(chair, "chair-amendment", problems, js);
  // and puts it on the hall's screen
  await Promise.all([chair.waitForNavigation(), chair.click("#h-projector + form button")]);
  const pc = await b.newContext({ ...opts, viewport: { width: 1280, height: 720 } });
  const proj = await pc.newPage();
  problems.push(...watch(proj, "projector"));
  await signIn(proj, srv.base, "member@example.org");
  await proj.goto(srv.base + congress + "/projector");
  check(await proj.locator("#projector-amendment ol.diff ins").count() === 1, "the projector shows the amendment");
  await shot(proj, `motions-${js ? "js" : "nojs"}-projector-amendment`);
  if (js) problems.push(...(await axe(proj, "projector-amendment")));
  await pc.close();
  await chair.goto(srv.base + amendment);
  await Promise.all([chair.waitForNavigation(), chair.click("#h-projector + form button")]);
  await chair.goto(srv.base + motion);
  await look(chair, "chair-motion", problems, js);
  // the motion book and the minutes, on the phone and printed
  await chair.goto(srv.base + congress + "/book");
  check(await chair.locator("article.book-motion").count() >= 5, "a page per motion");
  await look(chair, "book", problems, js);
  await chair.emulateMedia({ media: "print" });
  check(!(await chair.locator("nav.main").isVisible()), "printed without the navigation");
  await shot(chair, `motions-${js ? "js" : "nojs"}-book-print`);
  await chair.emulateMedia({ media: "screen" });
  await chair.goto(srv.base + congress + "/minutes");
  check(await chair.locator("section.minutes-item").count() >= 4, "the minutes follow the agenda");
  await look(chair, "minutes", problems, js);
  await cc.close();
  return problems;
}

try {
  const problems = [...(await run(false)), ...(await run(true))];
  check(problems.length === 0, "\n" + problems.join("\n"));
  console.log("browser: motions passed");
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await b.close();
  await srv.stop();
}
process.exit(failed ? 1 : 0);
