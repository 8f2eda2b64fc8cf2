// Browser tests of `oasis serve` in a real headless Chromium (Debian's `chromium`, driven by
// playwright-core): every page loads (Chinese by default, then English), the map is clicked
// through, a network is uploaded and run, a broken one shows the reader's error, and a
// 100,000-link city is drawn (time measured and printed, not asserted). Screenshots go to
// docs/screenshots/.
//
//   OASIS_BIN=target/debug/oasis node --test tests/browser
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const bin = process.env.OASIS_BIN || path.join(root, "target/debug/oasis");
const shots = path.join(root, "docs/screenshots");
const chromePath = process.env.CHROMIUM || "/usr/bin/chromium";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oasis-browser-"));
let server, base, browser, operatorToken;

function shot(page, name) {
  fs.mkdirSync(shots, { recursive: true });
  return page.screenshot({ path: path.join(shots, `${name}.png`) });
}

// With OASIS_TEST_DATABASE=postgres://… the users, sessions, write log, meter data and documents live in PostgreSQL
// (a fresh schema, made with psql).
function database() {
  const url = process.env.OASIS_TEST_DATABASE;
  if (!url) return [];
  const schema = `oasis_browser_${process.pid}`;
  // Earlier runs' schemas go first.
  const old = execFileSync("psql", [url, "-tAc", "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'oasis\\_browser\\_%'"]).toString().split("\n").filter(Boolean);
  for (const s of old) execFileSync("psql", [url, "-qc", `DROP SCHEMA IF EXISTS ${s} CASCADE`]);
  execFileSync("psql", [url, "-qc", `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`]);
  return ["--database", `${url}${url.includes("?") ? "&" : "?"}options=-csearch_path%3D${schema}`];
}

before(async () => {
  const db = database();
  console.log(db.length ? "users, meter data and documents in PostgreSQL" : "users in users.sqlite, meter data in meters/");
  execFileSync(bin, ["users", "add", "otto", "--role", "operator", "--db", dataDir, "--password", "password-123", ...db]);
  server = spawn(bin, ["serve", "--db", dataDir, "--demo", "--addr", "127.0.0.1:0", ...db], { env: { ...process.env, OASIS_DEMO_DAYS: "3" }, stdio: ["ignore", "pipe", "inherit"] });
  base = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start: " + out)), 240000);
    server.stdout.on("data", d => {
      out += d;
      const m = out.match(/serving on (http:\/\/[0-9.:]+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on("exit", c => reject(new Error("server exited " + c + ": " + out)));
  });
  browser = await chromium.launch({ executablePath: chromePath, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const r = await fetch(`${base}/api/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "otto", password: "password-123" }) });
  operatorToken = (await r.json()).token;
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill("SIGINT");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", e => errors.push(String(e)));
  page.on("console", m => { if (m.type() === "error" && !/404|Not Found/.test(m.text())) errors.push(m.text()); });
  page.errors = errors;
  return page;
}

async function ready(page) {
  await page.waitForSelector("body[data-ready='1']", { timeout: 60000 });
}

test("every page loads in Chinese, switches to English, and has no script error", async () => {
  const page = await newPage();
  for (const [name, url, expectZh] of [["board", "/", "城市看板"], ["map", "/map", "管网地图"], ["districts", "/districts", "分区计量"], ["air", "/air", "空气质量"], ["water", "/water", "地表水"], ["bills", "/bills", "水价与账单"]]) {
    await page.goto(base + url);
    await ready(page);
    assert.equal(await page.textContent(`#nav-${name}`), expectZh, name);
    await page.waitForTimeout(300);
    await shot(page, `${name}-zh`);
    await page.click("#lang-btn");
    await page.waitForFunction(n => document.querySelector(`#nav-${n}`).textContent !== "" && !/[\u4e00-\u9fff]/.test(document.querySelector(`#nav-${n}`).textContent), name);
    await page.waitForTimeout(300);
    await shot(page, `${name}-en`);
    await page.click("#lang-btn"); // back to Chinese for the next page
  }
  assert.deepEqual(page.errors, []);
  // The board shows the air and water numbers of the samples.
  await page.goto(base + "/");
  await ready(page);
  assert.match(await page.textContent("#air-days"), /^3 \/ 4/);
  assert.match(await page.textContent("#water-good"), /%/);
  // The air page has the calendar and the evaluation table; the bills page the clerk's lines.
  await page.goto(base + "/air"); await ready(page);
  assert.ok((await page.$$("#eval tr")).length >= 3);
  await page.goto(base + "/bills"); await ready(page);
  assert.match(await page.textContent("#bills"), /JC-HH-104/);
  assert.match(await page.textContent("#held"), /JC-HH-108/);
});

test("map: log in, run, slide time, click a node and a link, upload and run a network, see a bad file's error", async () => {
  const page = await newPage();
  await page.goto(base + "/map?lang=zh");
  await ready(page);
  await page.fill("#login-user", "otto");
  await page.fill("#login-pass", "password-123");
  await page.click("#login-btn");
  await page.waitForSelector("#logout-btn");
  // Run the demo network (extended period) and wait for the job.
  await page.click("#run-btn");
  await page.waitForSelector("body[data-job='done']", { timeout: 120000 });
  await ready(page);
  assert.equal(await page.evaluate(() => window.jobVia), "events");
  assert.equal(await page.getAttribute("#time", "max"), "24");
  await page.fill("#time", "8");
  await page.dispatchEvent("#time", "input");
  await page.waitForFunction(() => document.getElementById("time-label").textContent === "8:00");
  // Click on a junction: find its screen position from the page's own transform.
  const pos = await page.evaluate(() => { const g = M.geo, i = g.nodes.kind.indexOf("junction") + 10; const r = canvas.getBoundingClientRect(); return { x: r.left + sx(g.nodes.x[i]), y: r.top + sy(g.nodes.y[i]) }; });
  await page.mouse.click(pos.x, pos.y);
  await page.waitForFunction(() => /junction/.test(document.getElementById("info-text").textContent));
  await page.waitForTimeout(400);
  await shot(page, "map-node");
  // Click the middle of a link.
  const mid = await page.evaluate(() => { const g = M.geo; const i = 20, a = g.links.from[i], b = g.links.to[i]; const r = canvas.getBoundingClientRect(); return { x: r.left + (sx(g.nodes.x[a]) + sx(g.nodes.x[b])) / 2, y: r.top + (sy(g.nodes.y[a]) + sy(g.nodes.y[b])) / 2 }; });
  await page.mouse.click(mid.x, mid.y);
  await page.waitForFunction(() => /pipe|pump|valve|junction/.test(document.getElementById("info-text").textContent));
  await page.selectOption("#qty", "velocity");
  await page.mouse.wheel(0, -400);
  await shot(page, "map-velocity");
  await page.selectOption("#qty", "quality");
  await page.fill("#time", "20");
  await page.dispatchEvent("#time", "input");
  await page.waitForFunction(() => document.getElementById("time-label").textContent === "20:00" && /水龄|Water age/.test(document.getElementById("legend").textContent));
  await shot(page, "map-water-age");
  // Upload a network: it is stored, run, and shown.
  const up = path.join(os.tmpdir(), "upload-test.inp");
  fs.copyFileSync(path.join(root, "examples/jinchang-demo.inp"), up);
  await page.setInputFiles("#inp-file", up);
  await page.waitForFunction(() => document.getElementById("net").value.startsWith("upload-test"), null, { timeout: 60000 });
  await page.waitForSelector("body[data-job='done']", { timeout: 120000 });
  await ready(page);
  // A broken file: the reader's error, readable, on the page.
  const bad = path.join(os.tmpdir(), "broken.inp");
  fs.writeFileSync(bad, fs.readFileSync(up, "utf8").replace("[PIPES]", "[PIPES]\n P-BAD NOPE-1 NOPE-2 100 200 130 0 Open"));
  await page.setInputFiles("#inp-file", bad);
  await page.waitForSelector("#err .error");
  const msg = await page.textContent("#err .error");
  assert.match(msg, /error 200/);
  assert.match(msg, /\[PIPES\] field .*error 203: undefined node/);
  await shot(page, "map-upload-error");
  // The districted synthetic city, its districts outlined.
  await page.goto(base + "/map?network=city");
  await page.waitForFunction(() => document.body.dataset.ready === "1" && M.id === "city");
  assert.ok(await page.evaluate(() => M.outlines.length) >= 4);
  await shot(page, "map-city-districts");
  assert.deepEqual(page.errors.filter(e => !/422|Unprocessable/.test(e)), []);
});

function gridInp(side) {
  // A side × side grid of junctions fed by one reservoir: 2·side·(side−1) + 1 pipes.
  const L = ["[TITLE]", `grid ${side}x${side}`, "[JUNCTIONS]"];
  const id = (r, c) => `J${r}_${c}`;
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) L.push(`${id(r, c)} ${(10 + (r + c) / 40).toFixed(2)} 0.002`);
  L.push("[RESERVOIRS]", "R1 150");
  L.push("[PIPES]");
  let k = 0;
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) {
    if (c + 1 < side) L.push(`P${k++} ${id(r, c)} ${id(r, c + 1)} 100 200 120`);
    if (r + 1 < side) L.push(`P${k++} ${id(r, c)} ${id(r + 1, c)} 100 200 120`);
  }
  L.push(`P${k++} R1 ${id(0, 0)} 10 1000 130`);
  L.push("[OPTIONS]", "UNITS LPS", "HEADLOSS H-W", "[COORDINATES]");
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) L.push(`${id(r, c)} ${c * 100} ${r * 100}`);
  L.push("R1 -200 -200", "[END]");
  return { text: L.join("\n") + "\n", links: k };
}

test("a 100,000-link city is drawn on the map (time printed)", async () => {
  const { text, links } = gridInp(225);
  assert.ok(links >= 100000, String(links));
  const r = await fetch(`${base}/api/networks?name=grid-100k.inp`, { method: "POST", headers: { Authorization: `Bearer ${operatorToken}` }, body: text });
  assert.equal(r.status, 201);
  const id = (await r.json()).id;
  // Solve it (time 0) so the map is coloured by pressure.
  const job = await (await fetch(`${base}/api/networks/${id}/runs`, { method: "POST", headers: { Authorization: `Bearer ${operatorToken}`, "Content-Type": "application/json" }, body: JSON.stringify({ mode: "steady" }) })).json();
  for (let k = 0; k < 1200; k++) {
    const j = await (await fetch(`${base}/api/jobs/${job.id}`)).json();
    if (j.state !== "running") { assert.equal(j.state, "done", JSON.stringify(j)); break; }
    await new Promise(r => setTimeout(r, 250));
  }
  const page = await newPage();
  const t0 = Date.now();
  await page.goto(`${base}/map?network=${id}`);
  await page.waitForFunction(i => document.body.dataset.ready === "1" && M.id === i, id, { timeout: 120000 });
  const wall = Date.now() - t0;
  const m = await page.evaluate(() => ({ ready: window.mapReadyMs, draw: window.mapDrawMs }));
  console.log(`MAP-100K links=${links} page_load_to_drawn_ms=${wall} fetch_parse_draw_ms=${Math.round(m.ready)} draw_ms=${Math.round(m.draw)}`);
  await shot(page, "map-100k");
  fs.mkdirSync(shots, { recursive: true });
  fs.writeFileSync(path.join(shots, "map-100k-timing.txt"), `links=${links} page_load_to_drawn_ms=${wall} fetch_parse_draw_ms=${Math.round(m.ready)} draw_ms=${Math.round(m.draw)}\n`);
});
