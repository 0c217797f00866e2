// The run's curves from metrics.json: history (bounded per-step series) and evaluations.
import uPlot from "uplot";

const charts = [];

function chart(container, title, x, series, width) {
  const opts = {
    title,
    width,
    height: 150,
    scales: { x: { time: false } },
    series: [{ label: "step" }, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 1.5, spanGaps: true }))],
    axes: [{ stroke: "#aaa" }, { stroke: "#aaa" }],
  };
  const u = new uPlot(opts, [x, ...series.map((s) => s.values)], container);
  charts.push(u);
}

// Aligns sparse (step, value) pairs to the history's steps (null elsewhere).
function atSteps(steps, pairs) {
  const byStep = new Map(pairs.map(([s, v]) => [s, v]));
  return steps.map((s) => (byStep.has(s) ? byStep.get(s) : null));
}

export function drawCurves(container, metrics) {
  for (const c of charts.splice(0)) c.destroy();
  container.textContent = "";
  const h = metrics?.history;
  if (!h || !h.step || h.step.length === 0) {
    container.textContent = "no curves yet";
    return;
  }
  const width = container.clientWidth || 350;
  const steps = h.step.slice();
  const evaluations = (metrics.evaluations ?? []).map((e) => [e.step, e.psnr]);
  // Evaluation steps join the x axis so that test PSNR shows at its own steps.
  const x = [...new Set([...steps, ...evaluations.map(([s]) => s)])].sort((a, b) => a - b);
  const pick = (name) => atSteps(x, steps.map((s, i) => [s, h[name]?.[i] ?? null]));
  chart(container, "loss", x, [{ label: "loss", stroke: "#e66", values: pick("loss") }], width);
  chart(container, "PSNR (dB)", x, [
    { label: "train", stroke: "#6ae", values: pick("train_psnr") },
    { label: "test", stroke: "#fa3", values: atSteps(x, evaluations) },
  ], width);
  chart(container, "Gaussians", x, [{ label: "Gaussians", stroke: "#8d8", values: pick("gaussians") }], width);
  const mib = (name) => pick(name).map((v) => (v == null ? null : v / 2 ** 20));
  chart(container, "memory (MiB)", x, [
    { label: "host", stroke: "#ccc", values: mib("host_bytes") },
    { label: "device", stroke: "#c8f", values: mib("device_bytes") },
  ], width);
  chart(container, "images/s", x, [{ label: "images/s", stroke: "#fd6", values: pick("images_per_second") }], width);
  if (h.h2d_gbps) {
    chart(container, "host to device GB/s", x, [{ label: "GB/s", stroke: "#6dd", values: pick("h2d_gbps") }], width);
    chart(container, "upload-wait share", x, [{ label: "share", stroke: "#d66", values: pick("upload_wait_share") }], width);
  }
  const plan = metrics.offload?.plan;
  if (plan) {
    const over = document.createElement("p");
    over.textContent = `budget ${(plan.budget / 2 ** 20).toFixed(1)} MiB, ` +
      `${((plan.budget - plan.minimum_budget) / 2 ** 20).toFixed(1)} MiB over the minimum`;
    container.appendChild(over);
  }
}
