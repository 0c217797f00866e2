// The viewer page: the model through Spark (a three.js Gaussian-splat renderer), the dataset's
// cameras as frustums, test views with their scores, the run's curves, and a poll that picks up
// a newer model or metrics while the run trains. `?camera=NAME` opens at that camera with its
// intrinsics and the canvas filling the window; the title starts with "ready" once the model
// has been drawn.
import * as THREE from "three";
import { FlyControls } from "three/examples/jsm/controls/FlyControls.js";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { SparkRenderer, SplatMesh } from "@sparkjsdev/spark";
import { applyDatasetCamera, cameraFrame, frustumLines } from "./camera_pose.js";
import { drawCurves } from "./curves.js";

const params = new URLSearchParams(location.search);
const cameraName = params.get("camera");
const status = document.getElementById("status");
const say = (text, error = false) => {
  status.textContent = text;
  status.classList.toggle("error", error);
};

const renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: true });
renderer.setPixelRatio(1);
renderer.setSize(window.innerWidth, window.innerHeight);
document.getElementById("view").appendChild(renderer.domElement);
const scene = new THREE.Scene();
// The reference rasterizer's conventions: 3-sigma footprints, the 1/255 alpha floor, the 0.3
// pixel low-pass filter on the 2D covariance, sorted by view depth.
const spark = new SparkRenderer({
  renderer,
  maxStdDev: 3,
  minAlpha: 1 / 255,
  preBlurAmount: 0.3,
  blurAmount: 0,
  sortRadial: false,
  enableLod: false,
});
scene.add(spark);
const camera = new THREE.PerspectiveCamera(50, window.innerWidth / window.innerHeight, 0.01, 1e5);
const controls = new OrbitControls(camera, renderer.domElement);
let datasetCamera = null;  // the dataset camera the view is at, until the user moves
// Leaving a dataset camera: the window's own aspect and a centred projection again.
function freeCamera() {
  datasetCamera = null;
  camera.aspect = window.innerWidth / window.innerHeight;
  camera.updateProjectionMatrix();
}
controls.addEventListener("start", () => {
  if (datasetCamera) freeCamera();
});
// M toggles fly mode: WASD move, R / F up and down, arrows turn, Q / E roll, drag to look.
const fly = new FlyControls(camera, renderer.domElement);
fly.dragToLook = true;
fly.enabled = false;
let flying = false;
const clock = new THREE.Clock();
window.addEventListener("keydown", (event) => {
  if (event.key !== "m" && event.key !== "M") return;
  flying = !flying;
  if (flying) freeCamera();
  fly.enabled = flying;
  controls.enabled = !flying;
  if (!flying) {
    // Orbit again around the point ahead of the camera.
    const ahead = new THREE.Vector3(0, 0, -1).applyQuaternion(camera.quaternion);
    controls.target.copy(camera.position).addScaledVector(ahead, controls.target.distanceTo(camera.position) || 1);
  }
  document.getElementById("mode").textContent = flying ? "fly" : "orbit";
});

let run = null;
let mesh = null;
let modelUrl = null;
let metricsStamp = null;
let framesSinceLoad = -1;
let frustums = null;

window.addEventListener("resize", () => {
  renderer.setSize(window.innerWidth, window.innerHeight);
  if (datasetCamera) applyDatasetCamera(camera, datasetCamera);
  else {
    camera.aspect = window.innerWidth / window.innerHeight;
    camera.updateProjectionMatrix();
  }
});

function goToCamera(c) {
  datasetCamera = c;
  applyDatasetCamera(camera, c);
  const { center, forward } = cameraFrame(c);
  controls.target.copy(center.clone().addScaledVector(forward, controls.target.distanceTo(center) || 1));
  document.getElementById("selected").hidden = false;
  document.getElementById("selected-name").textContent = `${c.name} (${c.split})`;
  document.getElementById("selected-image").src = c.image;
  const renderFigure = document.getElementById("selected-render-figure");
  renderFigure.hidden = !c.render;
  if (c.render) document.getElementById("selected-render").src = c.render;
  const score = (run.metrics?.test?.per_view ?? []).find((v) => v.name === c.name);
  document.getElementById("selected-score").textContent = score
    ? `PSNR ${score.psnr.toFixed(2)} dB, SSIM ${score.ssim.toFixed(4)}`
    : "";
}

function listCameras() {
  const list = document.getElementById("cameras");
  list.textContent = "";
  for (const c of run.cameras) {
    const item = document.createElement("li");
    item.textContent = c.name;
    item.title = c.split;
    item.onclick = () => goToCamera(c);
    list.appendChild(item);
  }
  const tests = document.getElementById("tests");
  tests.textContent = "";
  for (const v of run.metrics?.test?.per_view ?? []) {
    const row = tests.insertRow();
    row.insertCell().textContent = v.name;
    row.insertCell().textContent = `${v.psnr.toFixed(2)} dB`;
    row.insertCell().textContent = v.ssim.toFixed(4);
    const c = run.cameras.find((k) => k.name === v.name);
    if (c) row.onclick = () => goToCamera(c);
  }
}

function showFrustums() {
  if (frustums) scene.remove(frustums);
  if (cameraName || run.cameras.length === 0) return;
  const centers = run.cameras.map((c) => cameraFrame(c).center);
  const box = new THREE.Box3().setFromPoints(centers);
  const depth = Math.max(box.getSize(new THREE.Vector3()).length() * 0.03, 1e-3);
  frustums = frustumLines(run.cameras, depth);
  scene.add(frustums);
}

// Clicking a frustum jumps to its camera.
const raycaster = new THREE.Raycaster();
renderer.domElement.addEventListener("dblclick", (event) => {
  if (!frustums) return;
  const pointer = new THREE.Vector2(
    (event.clientX / window.innerWidth) * 2 - 1,
    -(event.clientY / window.innerHeight) * 2 + 1,
  );
  raycaster.params.Line.threshold = frustums.geometry.boundingSphere
    ? frustums.geometry.boundingSphere.radius * 0.01
    : 0.01;
  raycaster.setFromCamera(pointer, camera);
  const hit = raycaster.intersectObject(frustums)[0];
  if (hit) goToCamera(run.cameras[Math.floor(hit.index / 16)]);
});

async function loadModel(model) {
  if (!model.available) {
    say(model.error ? `The model cannot be shown: ${model.error}` : "waiting for the first snapshot…", !!model.error);
    if (model.error) document.title = `error - ${model.error}`;
    return;
  }
  if (model.url === modelUrl) return;
  modelUrl = model.url;
  say(`loading ${model.sent.toLocaleString()} Gaussians…`);
  const next = new SplatMesh({ url: model.url, fileType: "ply" });
  try {
    await next.initialized;
  } catch (error) {
    say(`The model cannot be shown: ${error}`, true);
    document.title = `error - ${error}`;
    return;
  }
  if (mesh) {
    scene.remove(mesh);
    mesh.dispose?.();
  }
  mesh = next;
  scene.add(mesh);
  framesSinceLoad = 0;
  const step = model.step >= 0 ? ` at step ${model.step}` : "";
  const info = model.subset
    ? `${model.sent.toLocaleString()} of ${model.gaussians.toLocaleString()} Gaussians${step} (the largest opacity x volume; viewer.max_splats)`
    : `${model.gaussians.toLocaleString()} Gaussians${step}`;
  document.getElementById("model-info").textContent = info;
  say(model.subset ? `showing ${info}` : "");
}

async function poll() {
  let next;
  try {
    next = await (await fetch("/api/run", { cache: "no-store" })).json();
  } catch (error) {
    say(`lost the server: ${error}`, true);
    return;
  }
  const firstRun = run === null;
  const camerasBefore = run?.cameras.length ?? 0;
  run = next;
  if (run.dataset_error) say(run.dataset_error);
  // The cameras arrive with the first answer, or later for a run that had only just started.
  if (run.cameras.length > 0 && camerasBefore === 0) {
    const bg = run.background;
    scene.background = new THREE.Color(bg, bg, bg);
    listCameras();
    showFrustums();
    const named = cameraName && run.cameras.find((c) => c.name === cameraName);
    if (cameraName && !named) say(`no camera named ${cameraName}`, true);
    if (named) {
      document.body.classList.add("camera-view");
      goToCamera(named);
    } else {
      goToCamera(run.cameras[0]);
      freeCamera();
    }
  } else if (firstRun) {
    scene.background = new THREE.Color(run.background, run.background, run.background);
  }
  const stamp = JSON.stringify(run.metrics?.history?.step?.slice(-1) ?? null) + (run.metrics?.iterations ?? "");
  if (stamp !== metricsStamp) {
    metricsStamp = stamp;
    drawCurves(document.getElementById("curves"), run.metrics);
    if (!firstRun && run.cameras.length > 0) listCameras();
  }
  await loadModel(run.model);
  // A page at a named camera stops polling once it has the camera and a model to show.
  if (!cameraName || !datasetCamera || !run.model.available) setTimeout(poll, 2000);
}

renderer.setAnimationLoop(() => {
  const delta = clock.getDelta();
  if (flying) {
    fly.movementSpeed = Math.max(controls.target.distanceTo(camera.position), 0.1) * 0.5;
    fly.update(delta);
  } else if (!datasetCamera) controls.update();
  renderer.render(scene, camera);
  // Spark sorts in a worker; a few frames after a model arrives it has been drawn in order.
  if (framesSinceLoad >= 0 && ++framesSinceLoad === 12 && !document.title.startsWith("ready"))
    document.title = `ready - ${document.title.replace(/^loading - /, "")}`;
});

poll();
