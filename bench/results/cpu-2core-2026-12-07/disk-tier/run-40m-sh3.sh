#!/bin/bash
B=${SPLATSTREAM:-build/cpu/src/app/splatstream}
/usr/bin/time -v $B train --data /tmp/city40m --out /tmp/dt/sh3 \
  --set backend=cpu --set mode=offload --set model.init_ply=/tmp/city40m/ground_truth.ply \
  --set model.sh_degree=3 --set model.spatial_order=none --set data.far_plane=200 \
  --set offload.gpu_budget=1GiB --set offload.host_budget=4GiB --set offload.culling=chunks \
  --set train.iterations=150 --set train.eval_at=[150] --set train.batch_size=1 \
  --set densify.until=0 --set train.log_every=10
