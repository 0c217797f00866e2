// The viewer in a real browser (Debian's chromium, headless, software GL), driven through
// playwright-core, against `splatstream view` serving generated data:
//   node tests/browser_test.mjs SPLATSTREAM WORK_DIR
// 1. the orbit scene's ground truth at ?camera= of a view, in a window of its size, matches the
//    view's image (PSNR >= 20 dB; the page is another renderer, so this checks our PLY and camera
//    conventions independently);
// 2. a model trained a few hundred steps at a test view matches the run's own render of it and
//    its image (PSNR >= 20 dB each);
// 3. a page opened as a run starts gets its cameras, and its snapshots without a reload;
// 4. paths outside the page and the run are refused, malformed requests do not stop the server;
// 5. a bad PLY is a clear error on the page.
import { chromium } from "playwright-core";
import { PNG } from "pngjs";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

const [binary, work] = process.argv.slice(2);
if (!binary || !work) {
  console.error("usage: node tests/browser_test.mjs SPLATSTREAM WORK_DIR");
  process.exit(2);
}
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const chromiumPath = process.env.SPLAT_CHROMIUM ?? "/usr/bin/chromium";
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures += 1;
};

function run(args) {
  execFileSync(binary, args, { stdio: ["ignore", "ignore", "inherit"] });
}

// Starts `splatstream view ARGS --port 0`; resolves with its base URL and process.
function startViewer(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["view", ...args, "--port", "0"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/viewer at (http:\/\/[^\s]+)\//);
      if (m) resolve({ url: m[1], child });
    });
    child.on("exit", (code) => reject(new Error(`splatstream view exited with ${code}: ${out}`)));
  });
}
const stopViewer = (v) => new Promise((r) => { v.child.removeAllListeners("exit"); v.child.on("exit", r); v.child.kill("SIGINT"); });

function psnr(a, b) {
  if (a.width !== b.width || a.height !== b.height) return -1;
  const n = a.width * a.height;
  const ca = a.data.length / n, cb = b.data.length / n;
  let se = 0;
  for (let i = 0; i < n; ++i)
    for (let c = 0; c < 3; ++c) se += ((a.data[i * ca + c] - b.data[i * cb + c]) / 255) ** 2;
  return se === 0 ? 100 : -10 * Math.log10(se / (3 * n));
}

async function fetchPng(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return PNG.sync.read(Buffer.from(await r.arrayBuffer()));
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--no-sandbox", "--disable-dev-shm-usage"],
});

// The page at dataset camera `name` in a window of its size, once drawn.
async function cameraShot(base, name, width, height) {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on("pageerror", (e) => console.log("page error:", e.message));
  await page.goto(`${base}/?camera=${encodeURIComponent(name)}`);
  await page.waitForFunction(() => /^(ready|error)/.test(document.title), null, { timeout: 180000 });
  const title = await page.title();
  const shot = PNG.sync.read(await page.screenshot());
  await page.close();
  return { title, shot };
}

async function cameraOf(base, split, index = 0) {
  const api = await (await fetch(`${base}/api/run`)).json();
  return api.cameras.filter((c) => c.split === split)[index];
}

try {
  const orbit = path.join(work, "orbit");
  run(["generate", "--out", orbit, "--gaussians", "20000", "--views", "24", "--resolution", "160x120", "--quiet"]);

  // 1. Ground truth at a training camera.
  {
    const v = await startViewer(["--model", path.join(orbit, "ground_truth.ply"), "--data", orbit]);
    const c = await cameraOf(v.url, "train", 2);
    const { title, shot } = await cameraShot(v.url, c.name, c.width, c.height);
    const score = psnr(shot, await fetchPng(v.url + c.image));
    check(title.startsWith("ready") && score >= 20, `ground truth at ${c.name}: PSNR ${score.toFixed(2)} dB against its image`);
    await stopViewer(v);
  }

  // 2. A trained model at a test view, against the run's own render of it.
  const trained = path.join(work, "trained");
  run(["-q", "train", "--data", orbit, "--out", trained, "--set", "backend=cpu", "--set", "train.iterations=400", "--set", "model.sh_degree=1"]);
  {
    const v = await startViewer([trained]);
    const c = await cameraOf(v.url, "test");
    const { title, shot } = await cameraShot(v.url, c.name, c.width, c.height);
    const score = psnr(shot, await fetchPng(v.url + c.render));
    const againstImage = psnr(shot, await fetchPng(v.url + c.image));
    // Against the run's own render of the view (our renderer, the same model): the conventions;
    // against the image: what the model learnt (about 22 dB after 400 steps here).
    check(title.startsWith("ready") && score >= 20 && againstImage >= 20,
      `trained model at test view ${c.name}: PSNR ${score.toFixed(2)} dB against the run's render, ${againstImage.toFixed(2)} dB against the image`);

    // 4. Refused paths and malformed requests.
    const port = Number(new URL(v.url).port);
    // Sends bytes as they are (no client-side path clean-up) and collects the reply; the
    // socket stays open for writing, as a browser's does, until the server closes it.
    const raw = (text, wait = 5000) => new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => s.write(text));
      let reply = "";
      s.on("data", (d) => (reply += d));
      s.on("close", () => resolve(reply));
      s.on("error", () => resolve(reply));
      s.setTimeout(wait, () => s.destroy());
    });
    const secret = fs.readFileSync("/etc/hostname", "utf8").trim();
    for (const target of ["/../../../../etc/hostname", "/%2e%2e/%2e%2e/%2e%2e/etc/hostname",
      "/%2E%2E%2F%2E%2E%2Fetc%2Fhostname", "/image/../../../../etc/hostname", "//etc/hostname",
      "/etc/hostname", "/..%2f..%2f..%2fetc%2fhostname", "/app.js/../../../etc/hostname",
      "/render/../../../etc/hostname", "/metrics.json", "/point_cloud.ply"]) {
      const reply = await raw(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const code = Number(reply.split(" ")[1]);
      check([400, 403, 404].includes(code) && !reply.includes(secret), `GET ${target} refused (${code})`);
    }
    for (const junk of ["\x00\x01\x02garbage\r\n\r\n", "GET\r\n\r\n", `GET /${"a".repeat(100000)} HTTP/1.1\r\n\r\n`,
      "GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n", "POST /api/run HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"])
      await raw(junk, 500);
    const alive = await fetch(`${v.url}/api/run`);
    check(alive.ok, "the server answers after malformed requests");
    await stopViewer(v);
  }
  // A symlink in the page folder is not served.
  {
    const assets = path.join(work, "assets");
    fs.cpSync(process.env.SPLAT_VIEWER_ASSETS ?? path.join(path.dirname(new URL(import.meta.url).pathname), "..", "dist"), assets, { recursive: true });
    fs.symlinkSync("/etc/hostname", path.join(assets, "linked.txt"));
    const v = await startViewer([trained], { SPLAT_VIEWER_ASSETS: assets });
    const r = await fetch(`${v.url}/linked.txt`);
    check(r.status === 404, `a symlink in the page folder is refused (${r.status})`);
    await stopViewer(v);
  }

  // 3. A snapshot written during training reaches an open page.
  {
    const live = path.join(work, "live");
    const training = spawn(binary, ["-q", "train", "--data", orbit, "--out", live, "--set", "backend=cpu",
      "--set", "train.iterations=3000", "--set", "train.snapshot_every=40", "--set", "model.sh_degree=1"], { stdio: "ignore" });
    // The viewer starts as soon as the run does, before its first snapshot.
    const started = path.join(live, "run.json");
    const t0 = Date.now();
    while (!fs.existsSync(started) && Date.now() - t0 < 120000) await new Promise((r) => setTimeout(r, 50));
    const v = await startViewer([live]);
    const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
    await page.goto(`${v.url}/`);
    await page.waitForFunction(() => /at step \d+/.test(document.getElementById("model-info").textContent), null, { timeout: 180000 });
    const first = Number((await page.textContent("#model-info")).match(/at step (\d+)/)[1]);
    await page.waitForFunction((s) => {
      const m = document.getElementById("model-info").textContent.match(/at step (\d+)/);
      return m && Number(m[1]) > s;
    }, first, { timeout: 180000 });
    const later = Number((await page.textContent("#model-info")).match(/at step (\d+)/)[1]);
    const cameras = await page.$$eval("#cameras li", (items) => items.length);
    check(later > first && cameras === 24,
      `a page opened as the run started showed its ${cameras} cameras and followed its snapshots from step ${first} to ${later}`);
    training.kill("SIGKILL");
    await page.close();
    await stopViewer(v);
  }

  // 5. A bad PLY: a clear error on the page.
  {
    const bad = path.join(work, "bad.ply");
    const good = fs.readFileSync(path.join(trained, "point_cloud.ply"));
    fs.writeFileSync(bad, good.subarray(0, Math.floor(good.length / 2)));
    const v = await startViewer(["--model", bad, "--data", orbit]);
    const c = await cameraOf(v.url, "train");
    const { title } = await cameraShot(v.url, c.name, c.width, c.height);
    check(title.startsWith("error") && title.includes("bad.ply"), `a truncated PLY: "${title.slice(0, 120)}"`);
    await stopViewer(v);
  }
} catch (error) {
  console.log("FAIL", error);
  failures += 1;
} finally {
  await browser.close();
}
console.log(failures === 0 ? "viewer browser tests passed" : `${failures} viewer browser checks failed`);
process.exit(failures === 0 ? 0 : 1);
