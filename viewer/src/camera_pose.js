// Dataset cameras (OpenCV convention: x right, y down, z forward; world-to-camera R, t; pinhole
// intrinsics in pixels) as three.js cameras and as frustum wireframes.
import * as THREE from "three";

// The camera's centre and its axes in world space: x_c = R x_w + t, so the axes are R's rows.
export function cameraFrame(c) {
  const R = c.R, t = c.t;
  const right = new THREE.Vector3(R[0], R[1], R[2]);
  const down = new THREE.Vector3(R[3], R[4], R[5]);
  const forward = new THREE.Vector3(R[6], R[7], R[8]);
  const center = new THREE.Vector3(
    -(R[0] * t[0] + R[3] * t[1] + R[6] * t[2]),
    -(R[1] * t[0] + R[4] * t[1] + R[7] * t[2]),
    -(R[2] * t[0] + R[5] * t[1] + R[8] * t[2]),
  );
  return { center, right, down, forward };
}

// Puts `camera` at dataset camera `c` with its intrinsics, principal point included, so that a
// canvas of c.width x c.height shows what the image shows.
export function applyDatasetCamera(camera, c) {
  const { center, right, down, forward } = cameraFrame(c);
  // three.js cameras look down -z with +y up.
  const basis = new THREE.Matrix4().makeBasis(right, down.clone().negate(), forward.clone().negate());
  camera.quaternion.setFromRotationMatrix(basis);
  camera.position.copy(center);
  camera.fov = THREE.MathUtils.radToDeg(2 * Math.atan(c.height / (2 * c.fy)));
  camera.aspect = c.width / c.height;
  camera.updateProjectionMatrix();
  setIntrinsics(camera, c);
  camera.updateMatrixWorld(true);
}

// The OpenGL projection of a pinhole camera: pixel (u, v) from the top left maps to NDC
// (2u/w - 1, 1 - 2v/h).
export function setIntrinsics(camera, c) {
  const w = c.width, h = c.height, n = camera.near, f = camera.far;
  camera.projectionMatrix.set(
    (2 * c.fx) / w, 0, 1 - (2 * c.cx) / w, 0,
    0, (2 * c.fy) / h, (2 * c.cy) / h - 1, 0,
    0, 0, -(f + n) / (f - n), (-2 * f * n) / (f - n),
    0, 0, -1, 0,
  );
  camera.projectionMatrixInverse.copy(camera.projectionMatrix).invert();
}

// Frustum wireframes of every camera, `depth` long; test cameras in another colour.
export function frustumLines(cameras, depth) {
  const positions = [];
  const colors = [];
  for (const c of cameras) {
    const { center, right, down, forward } = cameraFrame(c);
    const corner = (u, v) =>
      center.clone()
        .addScaledVector(forward, depth)
        .addScaledVector(right, ((u - c.cx) / c.fx) * depth)
        .addScaledVector(down, ((v - c.cy) / c.fy) * depth);
    const k = [corner(0, 0), corner(c.width, 0), corner(c.width, c.height), corner(0, c.height)];
    const colour = c.split === "test" ? [1, 0.55, 0.1] : [0.3, 0.7, 1];
    const segment = (a, b) => {
      positions.push(a.x, a.y, a.z, b.x, b.y, b.z);
      colors.push(...colour, ...colour);
    };
    for (let i = 0; i < 4; ++i) {
      segment(center, k[i]);
      segment(k[i], k[(i + 1) % 4]);
    }
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.Float32BufferAttribute(positions, 3));
  geometry.setAttribute("color", new THREE.Float32BufferAttribute(colors, 3));
  return new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ vertexColors: true }));
}
