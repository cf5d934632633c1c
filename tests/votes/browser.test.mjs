// Votes in a real browser on the demo congress, at 360 px with
// JavaScript off and on — blind delegates vote too (issue 12): the chair
// prepares and opens a secret yes/no poll with receipts and a ranked
// election of 3 seats; delegates find them on the Polls page, vote and
// rank on their phones and get receipts; a second vote is refused in
// words; the door team prints a sheet of voting codes and a delegate
// without a phone votes at the booth with them; the chair closes both;
// a delegate reads the results (bars, the rounds of the count) and finds
// her ballot by its receipt; the hall's projector shows the election.
// Nothing wider than the screen, axe-core finding nothing serious or
// critical, a screenshot of each in build/test-output/browser/votes-*.png.
//
// The demo's people read the pages in Russian (the chair) and Kazakh
// (the door team, the delegates): what they are told is checked in their
// language, from the catalogs in src/platform/i18n/po/.
import { readFileSync } from "node:fs";
import { axe, browser, check, look as lookAt, shot, signIn, startServer, watch } from "../browser/lib.mjs";

const srv = await startServer({ demo: true });
const b = await browser();
const W = 360;
let failed = false;
const look = (page, label, problems, js) => lookAt(page, "votes", label, problems, js, W);

// msgid → msgstr of a catalog; English is the msgid itself
const catalogs = {};
function tr(lang, msgid) {
  if (lang === "en") return msgid;
  if (!catalogs[lang]) {
    const po = readFileSync(new URL(`../../src/platform/i18n/po/${lang}.po`, import.meta.url), "utf8");
    const map = new Map();
    const str = (s) => JSON.parse(s);
    let key = null, cur = null, id = "", val = "";
    for (const line of po.split("\n")) {
      let m;
      if ((m = line.match(/^msgid (".*")$/))) {
        if (key !== null) map.set(id, val);
        cur = "id"; id = str(m[1]); val = ""; key = id;
      } else if ((m = line.match(/^msgstr (".*")$/))) {
        cur = "str"; val = str(m[1]);
      } else if ((m = line.match(/^(".*")$/)) && cur) {
        if (cur === "id") id += str(m[1]); else val += str(m[1]);
      } else if (!line.trim()) cur = null;
    }
    if (key !== null) map.set(id, val);
    catalogs[lang] = map;
  }
  const s = catalogs[lang].get(msgid);
  check(s, `${lang} has "${msgid}"`);
  return s;
}
// a message up to its first placeholder, as a page shows it
const lead = (lang, msgid) => tr(lang, msgid).split("{")[0].trim();

const CHAIR = "ru", KK = "kk", BOOTH = "en";
const RECEIPT = /^[A-Z2-7]{5}(-[A-Z2-7]{1,5}){5}$/;
const CODE = /^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/;
const text = async (page, sel) => ((await page.locator(sel).allTextContents()).join(" ")).replace(/\s+/g, " ");
const submit = (page, button) => Promise.all([page.waitForNavigation(), page.locator(button).click()]);

// The chair prepares a poll from the Polls page's form and opens it;
// its path.
async function prepare(chair, congress, poll, problems, js, label) {
  await chair.goto(srv.base + congress + "/polls");
  const form = "section[aria-labelledby=h-new] form";
  await chair.fill("#question", poll.question);
  await chair.selectOption("#kind", poll.kind);
  if (poll.options) await chair.fill("#options", poll.options.join("\n"));
  if (poll.seats) await chair.fill("#seats", String(poll.seats));
  await chair.check("#secret");
  await chair.check("#publish_receipts");
  if (label) await look(chair, label, problems, js);
  await submit(chair, form + " button[type=submit]");
  const path = chair.url().replace(srv.base, "");
  check(/^\/congress\/\d+\/polls\/\d+$/.test(path), "the poll is prepared: " + path);
  check((await chair.textContent("h1")).trim() === poll.question, "its page names it");
  check(await chair.getAttribute("#h-state .badge", "data-state") === "draft", "not open yet");
  await submit(chair, "button[name=action][value=open]");
  check(await chair.getAttribute("#h-state .badge", "data-state") === "open", "the poll is open");
  check((await text(chair, ".flash")).includes(tr(CHAIR, "The poll is open: delegates can vote.")),
    "the chair is told it is open");
  return path;
}

// The open poll's card on the Polls page, found by its question.
const card = (page, question) =>
  page.locator("#polls-open article", { has: page.locator("h3", { hasText: question }) });

// Ranks candidates on a ballot: { name: rank }.
async function rank(scope, ranks) {
  for (const [name, r] of Object.entries(ranks))
    await scope.getByLabel(name, { exact: true }).selectOption({ label: String(r) });
}

// Votes with the poll's ballot on a delegate's phone; the receipts.
async function castOnPhone(page, lang, fill) {
  await fill(page.locator("form.ballot"));
  await submit(page, "form.ballot button[type=submit]:not([name])");
  check((await text(page, ".notice")).includes(tr(lang, "Your vote is in the ballot box.")), "the vote is in");
  const receipts = (await page.locator("#h-receipts ~ ul li.receipt").allTextContents()).map((s) => s.trim());
  check(receipts.length >= 1 && receipts.every((r) => RECEIPT.test(r)), "receipts are shown: " + receipts);
  return receipts;
}

async function run(js) {
  const problems = [];
  const how = js ? "with JavaScript" : "without JavaScript";
  const opts = { viewport: { width: W, height: 760 }, javaScriptEnabled: js, bypassCSP: js };
  const yna = { question: `Join the oil workers' strike fund (${how})`, kind: "yna" };
  const names = ["Ainur Bekova", "Bolat Kassymov", "Dana Iskakova", "Marat Ospanov", "Saule Tulegenova"];
  const election = { question: `Elect the leadership committee (${how})`, kind: "ranked",
    options: names, seats: 3 };

  // a delegate has the Polls page open before anything is opened
  const mc = await b.newContext(opts);
  const me = await mc.newPage();
  problems.push(...watch(me, "delegate"));
  await signIn(me, srv.base, "member@example.org");
  await me.goto(srv.base + "/congress");
  await Promise.all([me.waitForNavigation(), me.click("ul.rows a")]);
  const congress = me.url().replace(srv.base, "");
  check(/^\/congress\/\d+$/.test(congress), "the congress opens: " + congress);
  await submit(me, `a[href='${congress}/polls']`);
  check(await card(me, yna.question).count() === 0, "nothing of ours is open yet");

  // the chair prepares and opens both
  const cc = await b.newContext(opts);
  const chair = await cc.newPage();
  problems.push(...watch(chair, "chair"));
  await signIn(chair, srv.base, "chair@example.org");
  const ynaPath = await prepare(chair, congress, yna, problems, js, "chair-prepare");
  await look(chair, "chair-open", problems, js);
  const elPath = await prepare(chair, congress, election, problems, js, null);
  check((await text(chair, "p.lead")).includes(tr(CHAIR, "{seats} seats").replace("{seats}", "3")),
    "an election of three seats");

  // she sees them: live with JavaScript, by a reload without
  if (js) {
    await card(me, election.question).waitFor({ timeout: 10000 });
  } else {
    check(await card(me, yna.question).count() === 0, "without JavaScript the page stays as loaded");
    await me.reload();
  }
  check(await card(me, yna.question).locator("form.ballot input[name=vote][value=Y]").count() === 1,
    "the poll's ballot is on the Polls page");
  check(await card(me, election.question).locator("form.ballot select[name=rank]").count() === names.length,
    "the election's ballot numbers every candidate");
  await look(me, "polls", problems, js);

  // she opens the poll; a second tab keeps the ballot as it was
  await submit(me, `#polls-open h3 a[href='${ynaPath}']`);
  check(me.url() === srv.base + ynaPath, "the poll's page");
  check(await me.getAttribute("#h-state .badge", "data-state") === "open", "open");
  check((await text(me, "form.ballot .hint")).includes(tr(KK, "A secret ballot. After you vote you get a receipt: with it you find your ballot in the list published when the poll closes. Anyone you show it to can see how you voted.")),
    "the ballot says it is secret and gives a receipt");
  await look(me, "ballot", problems, js);
  const stale = await mc.newPage();
  problems.push(...watch(stale, "delegate-tab"));
  await stale.goto(srv.base + ynaPath);
  const myYes = await castOnPhone(me, KK, (f) => f.locator("input[value=Y]").check());
  await look(me, "receipt", problems, js);
  // the page again: no ballot, why not, and the receipts shown only once
  await me.goto(srv.base + ynaPath);
  check(await me.locator("form.ballot").count() === 0, "no second ballot");
  check((await text(me, "#poll-now .notice")).includes(tr(KK, "You have voted in this poll.")), "she is told she voted");
  check(await me.locator("li.receipt").count() === 0, "receipts are shown once");
  // the other tab's ballot is refused in words
  await stale.locator("form.ballot input[value=N]").check();
  const [refusal] = await Promise.all([stale.waitForNavigation(),
    stale.locator("form.ballot button[type=submit]:not([name])").click()]);
  check(refusal.status() === 409, "a second vote is refused: " + refusal.status());
  check((await text(stale, "main")).includes(tr(KK, "You have voted in this poll.")), "and says why");
  await look(stale, "voted-twice", problems, js);
  await stale.close();

  // the election: a ranking with a gap is refused beside the ballot, then she ranks
  await me.goto(srv.base + elPath);
  check(await me.locator("form.ballot select[name=rank]").count() === names.length, "a select per candidate");
  await look(me, "ranked-ballot", problems, js);
  await rank(me.locator("form.ballot"), { [names[0]]: 1, [names[2]]: 3 });
  const [gap] = await Promise.all([me.waitForNavigation(),
    me.locator("form.ballot button[type=submit]:not([name])").click()]);
  check(gap.status() === 422, "a gap is refused: " + gap.status());
  check((await text(me, ".error-box")).includes(tr(KK, "Number your candidates 1, 2, 3 … without a gap.")),
    "and says how to number, as a refusal");
  check((await me.locator("form.ballot select[name=rank] option[selected]").count()) === 2,
    "the ballot comes back as she filled it in");
  check(await me.locator("form.ballot select[name=rank]").count() === names.length, "the ballot is there again");
  await look(me, "ranked-refused", problems, js);
  const myRanking = { [names[0]]: 1, [names[2]]: 2, [names[1]]: 3, [names[4]]: 4 };
  const myRanked = await castOnPhone(me, KK, (f) => rank(f, myRanking));
  await look(me, "ranked-receipt", problems, js);

  // a second delegate votes no and ranks otherwise
  const dc = await b.newContext(opts);
  const del = await dc.newPage();
  problems.push(...watch(del, "delegate2"));
  await signIn(del, srv.base, "delegate@example.org");
  await del.goto(srv.base + congress + "/polls");
  await submit(del, `#polls-open h3 a[href='${ynaPath}']`);
  const herNo = await castOnPhone(del, KK, (f) => f.locator("input[value=N]").check());
  await del.goto(srv.base + elPath);
  await castOnPhone(del, KK, (f) => rank(f, { [names[1]]: 1, [names[3]]: 2, [names[0]]: 3 }));
  await dc.close();

  // the door team prints a sheet of codes for a delegate without a phone
  const doc = await b.newContext(opts);
  const door = await doc.newPage();
  problems.push(...watch(door, "door"));
  await signIn(door, srv.base, "door@example.org");
  await door.goto(srv.base + congress + "/codes");
  await look(door, "codes", problems, js);
  const voter = "Askar E.";
  await door.selectOption("#participant", { label: voter });
  await door.fill("#count", "3");
  await submit(door, "main form button[type=submit]");
  check((await text(door, "p.lead")).includes(voter), "the sheet names its delegate");
  const codes = (await door.locator("ol.codes li").allTextContents()).map((s) => s.trim());
  check(codes.length === 3 && codes.every((c) => CODE.test(c)), "three codes: " + codes);
  await look(door, "sheet", problems, js);
  await door.emulateMedia({ media: "print" });
  check(!(await door.locator("nav.main").isVisible()), "printed without the navigation");
  await shot(door, `votes-${js ? "js" : "nojs"}-sheet-print`);
  await doc.close();

  // the booth: a shared machine, nobody signed in
  const bc = await b.newContext(opts);
  const booth = await bc.newPage();
  problems.push(...watch(booth, "booth"));
  const boothPath = congress + "/booth";
  await booth.goto(srv.base + boothPath);
  check(await booth.locator("#code").count() === 1, "the booth asks for a code");
  await look(booth, "booth", problems, js);
  const openWith = async (code) => {
    await booth.fill("#code", code);
    return (await Promise.all([booth.waitForNavigation(), booth.click("main form button[type=submit]")]))[0];
  };
  // typed as a person might: lower case, without the dashes
  await openWith(codes[0].replace(/-/g, "").toLowerCase());
  check((await text(booth, "main")).includes(tr(BOOTH, "Voter: {voter}").replace("{voter}", voter)),
    "the booth says whose code it is");
  const section = (q) => booth.locator("main section", { has: booth.locator("h2", { hasText: q }) });
  check(await section(yna.question).locator("form.ballot").count() === 1, "the poll's ballot");
  check(await section(election.question).locator("form.ballot").count() === 1, "the election's ballot");
  await look(booth, "booth-ballots", problems, js);
  const boothMandates = Math.max(1, await section(yna.question).locator("input[name=mandate]").count());
  await section(yna.question).locator("input[value=Y]").check();
  await Promise.all([booth.waitForNavigation(),
    section(yna.question).locator("button[type=submit]:not([name])").click()]);
  check((await text(booth, ".notice")).includes(tr(BOOTH, "Your vote is in the ballot box.")), "the booth takes the vote");
  const boothYes = (await booth.locator("li.receipt").allTextContents()).map((s) => s.trim());
  check(boothYes.length === boothMandates && boothYes.every((r) => RECEIPT.test(r)),
    `a receipt a mandate: ${boothYes.length} of ${boothMandates}`);
  check((await text(booth, "section[aria-labelledby=h-receipts]")).includes(yna.question), "for the poll they name");
  check(await booth.locator("#code").count() === 0, "no code asked for under the receipts");
  await look(booth, "booth-receipt", problems, js);
  await submit(booth, `main a[href='${boothPath}']`);
  check(await booth.locator("li.receipt").count() === 0, "the booth is left empty");
  // the code is used up
  const used = await openWith(codes[0]);
  check(used.status() === 403, "a used code is refused: " + used.status());
  check((await text(booth, ".error-box[role=alert]")).includes(tr(BOOTH, "That code opens nothing: it was used, replaced, or mistyped.")),
    "and says why, as a refusal");
  check((await booth.getAttribute("#code", "aria-describedby")).includes("booth-note"), "beside the code's field");
  await look(booth, "booth-refused", problems, js);
  // the next code: the poll is done, the election is not
  await openWith(codes[1]);
  check((await text(booth, "main")).includes(tr(BOOTH, "You have voted in this poll.")),
    "the poll says he has voted");
  check(await section(yna.question).locator("form.ballot").count() === 0, "no second ballot");
  await rank(section(election.question).locator("form.ballot"), { [names[1]]: 1, [names[3]]: 2 });
  await Promise.all([booth.waitForNavigation(),
    section(election.question).locator("button[type=submit]:not([name])").click()]);
  check(await booth.locator("li.receipt").count() === boothMandates, "the election's receipts");
  await bc.close();

  // the chair closes both
  for (const path of [ynaPath, elPath]) {
    await chair.goto(srv.base + path);
    await submit(chair, "button[name=action][value=close]");
    check(await chair.getAttribute("#h-state .badge", "data-state") === "closed", "closed: " + path);
  }
  await look(chair, "chair-closed", problems, js);
  // the hall's screen shows an open poll before any result: whatever
  // else the demo left open is closed too
  await chair.goto(srv.base + congress + "/polls");
  for (const href of await chair.locator("#polls-open h3 a").evaluateAll((as) => as.map((a) => a.getAttribute("href")))) {
    await chair.goto(srv.base + href);
    await submit(chair, "button[name=action][value=close]");
  }
  await cc.close();

  // she reads the result and finds her ballot by its receipt
  await me.goto(srv.base + ynaPath);
  check(await me.getAttribute("#h-state .badge", "data-state") === "closed", "she sees it closed");
  const bars = await me.locator("#poll-now p.bar-row").allTextContents();
  check(bars.length === 3 && (await me.locator("#poll-now meter").count()) === 3, "a bar for yes, no, abstain");
  const yes = myYes.length + boothYes.length, no = herNo.length;
  check(bars[0].includes(tr(KK, "Yes")) && bars[0].includes(`${yes} (`), `yes: ${yes} in ${bars[0]}`);
  check(bars[1].includes(tr(KK, "No")) && bars[1].includes(`${no} (`), `no: ${no} in ${bars[1]}`);
  check((await text(me, "#poll-state p.lead strong")).includes(tr(KK, "Adopted.")), "adopted");
  await look(me, "result", problems, js);
  await me.fill("#receipt", myYes[0]);
  await submit(me, `form[action*='/receipt?'] button[type=submit]`);
  check((await text(me, ".notice")).includes(lead(KK, "Found. Your ballot reads: {found}")),
    "her receipt is in the list");
  await look(me, "receipt-found", problems, js);
  await me.fill("#receipt", "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-A");
  await submit(me, `form[action*='/receipt?'] button[type=submit]`);
  check((await text(me, ".notice")).includes(tr(KK, "That receipt is not in the list. Check what you typed; if it is right, tell the chair.")),
    "a receipt not in the list is told");

  await me.goto(srv.base + elPath);
  const elected = (await me.locator("#poll-now ol li").allTextContents()).map((s) => s.trim());
  check(elected.length === 3 && elected.every((n) => names.includes(n)), "three elected: " + elected);
  const rounds = await me.locator("table.rounds tbody tr").count();
  check(rounds >= 2, "the count's rounds: " + rounds);
  check(await me.locator("table.rounds thead th").count() === names.length + 3, "a column a candidate");
  await look(me, "election-result", problems, js);
  await me.fill("#receipt", myRanked[0].toLowerCase());
  await submit(me, `form[action*='/receipt?'] button[type=submit]`);
  check((await text(me, ".notice")).includes(lead(KK, "Found. Your ballot reads: {found}")),
    "her ranked ballot is in the list");
  await look(me, "election-receipt-found", problems, js);
  await mc.close();

  // the hall's screen: the election closed last under the item under way
  const pc = await b.newContext({ ...opts, viewport: { width: 1280, height: 720 } });
  const proj = await pc.newPage();
  problems.push(...watch(proj, "projector"));
  await signIn(proj, srv.base, "member@example.org");
  await proj.goto(srv.base + congress + "/projector");
  const panel = proj.locator(".projector-panel", { hasText: election.question });
  check(await panel.count() === 1, "the projector shows the election");
  check(await panel.locator("table.rounds tbody tr").count() === rounds, "with its rounds");
  check(await panel.locator("ol.panel-list li").count() === 3, "and who is elected");
  await shot(proj, `votes-${js ? "js" : "nojs"}-projector`);
  if (js) problems.push(...(await axe(proj, "projector")));
  await pc.close();
  return problems;
}

try {
  const problems = [...(await run(false)), ...(await run(true))];
  check(problems.length === 0, "\n" + problems.join("\n"));
  console.log("browser: votes passed");
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await b.close();
  await srv.stop();
}
process.exit(failed ? 1 : 0);
