#!/usr/bin/env python3
"""Runs clip-retrieval's own ClipClient, unchanged, against a running `tihua serve`.

    pip install --no-deps clip-retrieval==2.45.0   # ClipClient itself needs only requests
    tihua serve --index DIR --port 8080 &
    python3 Tools/clip_client_check.py http://127.0.0.1:8080 Samples/images/pubu.jpg

The package's __init__ imports its whole back end (torch, faiss, flask…), so the
client's module file is loaded by itself: its code is what runs, byte for byte.
Exits non-zero when an answer does not have clip-retrieval's shape.
"""
import importlib.util
import json
import sys
import urllib.request



def load_clip_client():
    spec = importlib.util.find_spec("clip_retrieval")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        sys.exit("clip-retrieval is not installed: pip install --no-deps clip-retrieval==2.45.0")
    path = spec.submodule_search_locations[0] + "/clip_client.py"
    module_spec = importlib.util.spec_from_file_location("clip_client", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def check(items, n, keys):
    assert isinstance(items, list) and len(items) == n, items
    sims = [i["similarity"] for i in items]
    assert sims == sorted(sims, reverse=True), sims
    for item in items:
        # JSON has one number type: an exact 1.0 comes as 1.
        assert isinstance(item["id"], str) and isinstance(item["similarity"], (int, float)), item
        for key in keys:
            assert key in item, (key, item)


def main():
    base, photo = sys.argv[1].rstrip("/"), sys.argv[2]
    cc = load_clip_client()
    indices = json.load(urllib.request.urlopen(base + "/indices-list"))
    print("indices-list:", indices)
    name = indices[0]

    poems = cc.ClipClient(url=base + "/knn-service", indice_name=name, modality=cc.Modality.TEXT, num_images=5)
    found = poems.query(text="明月松间照")
    check(found, 5, ["caption"])
    print("text → poems:", [(i["id"], round(i["similarity"], 4), i["caption"]) for i in found[:2]])
    found = poems.query(image=photo)
    check(found, 5, ["caption"])
    print("image → poems:", [(i["id"], round(i["similarity"], 4)) for i in found[:2]])

    images = cc.ClipClient(url=base + "/knn-service", indice_name=name, modality=cc.Modality.IMAGE, num_images=2)
    found = images.query(image=photo)
    check(found, 2, ["image_path", "url"])
    print("image → images:", [(i["id"], round(i["similarity"], 4), i["url"]) for i in found])
    with urllib.request.urlopen(found[0]["url"]) as r:
        assert r.headers["Content-Type"] == "image/jpeg" and r.read(3) == b"\xff\xd8\xff"

    # An embedding query: any vector of the index's dimension.
    stats = json.load(urllib.request.urlopen(base + "/v1/collections"))
    dim = next(c["dim"] for c in stats if c["collection"] == "poems")
    found = poems.query(embedding_input=[1.0] + [0.0] * (dim - 1))
    check(found, 5, ["caption"])
    print("embedding → poems:", [(i["id"], round(i["similarity"], 4)) for i in found[:2]])

    # image_url is refused with a clear error (the server fetches nothing).
    refused = images.query(image="http://example.com/a.jpg")
    assert isinstance(refused, dict) and "image_url is not supported" in refused["error"], refused
    print("image_url refused:", refused["error"])

    meta = json.load(urllib.request.urlopen(urllib.request.Request(
        base + "/metadata", data=json.dumps({"ids": [found[0]["id"]], "indice_name": name}).encode(), method="POST")))
    assert meta[0]["id"] == found[0]["id"] and "caption" in meta[0]["metadata"], meta
    print("metadata:", meta[0])
    print("ClipClient: all checks passed")


if __name__ == "__main__":
    main()
