#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ocigen.py LAYOUT SPEC: writes an OCI image layout (one image, its layers in order) whose
layers are crafted by SPEC, a JSON list of layers, each a list of tar members:
  {"name": "a/b", "type": "file"|"dir"|"symlink"|"hardlink"|"char"|"block"|"fifo",
   "data": "text", "target": "link target", "mode": 0o644, "uid": 0, "gid": 0,
   "major": 0, "minor": 0}
Names are written as given ("../x", "/x", ".wh.." included): the point is to hand the
unpacker what a hostile image would. The image config carries SPEC's "config" when SPEC is an
object {"layers": [...], "config": {...}}."""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

TYPES = {
    "file": tarfile.REGTYPE,
    "dir": tarfile.DIRTYPE,
    "symlink": tarfile.SYMTYPE,
    "hardlink": tarfile.LNKTYPE,
    "char": tarfile.CHRTYPE,
    "block": tarfile.BLKTYPE,
    "fifo": tarfile.FIFOTYPE,
}


def blob(layout, data, media):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(layout, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return {"mediaType": media, "digest": "sha256:" + digest, "size": len(data)}


def layer_tar(members):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for m in members:
            info = tarfile.TarInfo(m["name"])
            info.type = TYPES[m.get("type", "file")]
            info.mode = m.get("mode", 0o755 if info.type == tarfile.DIRTYPE else 0o644)
            info.uid = m.get("uid", 0)
            info.gid = m.get("gid", 0)
            info.mtime = 1700000000
            info.linkname = m.get("target", "")
            info.devmajor = m.get("major", 0)
            info.devminor = m.get("minor", 0)
            data = m.get("data", "").encode()
            info.size = len(data) if info.type == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(data) if info.size else None)
    return raw.getvalue()


def main():
    layout, spec = sys.argv[1], json.loads(sys.argv[2])
    if isinstance(spec, list):
        spec = {"layers": spec}
    os.makedirs(os.path.join(layout, "blobs", "sha256"))
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    layers, diff_ids = [], []
    for members in spec["layers"]:
        tar = layer_tar(members)
        diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
        layers.append(blob(layout, gzip.compress(tar, mtime=0),
                           "application/vnd.oci.image.layer.v1.tar+gzip"))
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": spec.get("config", {}),
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }
    cdesc = blob(layout, json.dumps(config).encode(), "application/vnd.oci.image.config.v1+json")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": cdesc, "layers": layers}
    mdesc = blob(layout, json.dumps(manifest).encode(),
                 "application/vnd.oci.image.manifest.v1+json")
    mdesc["annotations"] = {"org.opencontainers.image.ref.name": "latest"}
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [mdesc]}, f)


main()
