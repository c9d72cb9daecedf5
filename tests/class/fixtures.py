"""fixtures.py - bundles for the tests of tools/share and tools/class.

    synthetic(src, dest, i)        a results folder like SRC with perturbed numbers and
                                   machine facts: machine number I of a made-up class
    share(results, out, state, **) tools/share's own code, called in this process (fast)
    hostile(out, good)             the bundles a teacher may be sent, each written into
                                   OUT; returns {file name: what the refusal must say}

Every bundle is made with tarfile from bytes in memory; nothing here extracts anything.
"""
import contextlib
import gzip
import hashlib
import importlib.machinery
import importlib.util
import io
import json
import os
import random
import shutil
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CPUS = ("AMD EPYC 7763 64-Core Processor", "Intel(R) Core(TM) i7-1185G7 @ 3.00GHz",
        "Apple M2 (virtual)", "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz",
        "AMD Ryzen 7 5800U with Radeon Graphics", "ARM Neoverse-N1")
TIMES = ("min_ns", "p25_ns", "median_ns", "p75_ns", "max_ns")


def _load_share():
    loader = importlib.machinery.SourceFileLoader("share", os.path.join(ROOT, "tools", "share"))
    spec = importlib.util.spec_from_loader("share", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


SHARE = _load_share()


def synthetic(src, dest, i):
    """Write into DEST a copy of the results in SRC as machine I would have measured
    them: every time scaled by the machine's speed and a little noise per row."""
    rng = random.Random(i)
    speed = rng.uniform(0.5, 2.0)
    os.makedirs(dest, exist_ok=True)
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if name.endswith(".csv"):
            with open(path) as f:
                lines = f.read().splitlines()
            header = lines[0].split(",")
            out = [lines[0]]
            for line in lines[1:]:
                row = dict(zip(header, line.split(",")))
                k = speed * rng.uniform(0.95, 1.05)
                for t in TIMES:
                    row[t] = f"{float(row[t]) * k:.3f}"
                if row["gbps"]:
                    row["gbps"] = f"{float(row['gbps']) / k:.3f}"
                out.append(",".join(row[h] for h in header))
            with open(os.path.join(dest, name), "w") as f:
                f.write("\n".join(out) + "\n")
        elif name == "machine.json":
            with open(path) as f:
                machine = json.load(f)
            machine.update(cpu_model=CPUS[i % len(CPUS)], cores=rng.choice((2, 4, 8, 16, 64)),
                           virtualisation=rng.choice(("none", "kvm", "docker", "vmware")),
                           memory_bytes=rng.choice((8, 16, 32)) << 30)
            with open(os.path.join(dest, name), "w") as f:
                json.dump(machine, f, indent=1)
        elif os.path.isfile(path):
            shutil.copyfile(path, os.path.join(dest, name))


def share(results, out, state, name=None, quick_ok=True):
    """Run tools/share's share() on RESULTS; the path of the bundle it wrote."""
    opts = {"results": results, "out": out, "state": state, "name": name,
            "quick_ok": quick_ok}
    with contextlib.redirect_stdout(io.StringIO()) as said:
        SHARE.share(opts)
    return said.getvalue().split("wrote ", 1)[1].split(":", 1)[0]


# --- Hostile and odd bundles ------------------------------------------------------------

def members(path):
    """{name: bytes} of a bundle we made ourselves (trusted: for rewriting it)."""
    out = {}
    with tarfile.open(path, "r:gz") as tar:
        for m in tar:
            if m.isreg():
                out[m.name] = tar.extractfile(m).read()
    return out


def write_tar(path, entries):
    """A .tar.gz of ENTRIES: (TarInfo, bytes or None)."""
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT,
                          encoding="utf-8", errors="surrogateescape") as tar:
            for info, data in entries:
                tar.addfile(info, io.BytesIO(data) if data is not None else None)
    with open(path, "wb") as f:
        f.write(raw.getvalue())


def regular(name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def rebundle(path, files, change):
    """A copy of the bundle FILES {name: bytes} after CHANGE(top, files, manifest), with
    the manifest's checksums made to match (as a newer or older project would)."""
    files = dict(files)
    top = next(iter(files)).split("/")[0]
    manifest = json.loads(files.pop(f"{top}/manifest.json"))
    change(top, files, manifest)
    top = f"results-{manifest['machine_id']}"
    manifest["files"] = {n.split("/", 1)[1]: {"bytes": len(d),
                                               "sha256": hashlib.sha256(d).hexdigest()}
                         for n, d in files.items()}
    files[f"{top}/manifest.json"] = json.dumps(manifest).encode()
    write_tar(path, [regular(n, d) for n, d in files.items()])


def special(name, kind, target=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def nan_median(csv):
    """CSV with its first row's median replaced by nan."""
    lines = csv.decode().splitlines()
    first = lines[1].split(",")
    first[8] = "nan"
    lines[1] = ",".join(first)
    return ("\n".join(lines) + "\n").encode()


def renamed(top, fs, manifest, new):
    """Make the bundle FS, MANIFEST another machine's: NEW, 12 hex digits."""
    for n in list(fs):
        fs[n.replace(top, f"results-{new}", 1)] = fs.pop(n)
    manifest["machine_id"] = new


def hostile(out, good):
    """Write the odd bundles into OUT, made from the good bundle GOOD; returns
    ({refused file: a phrase its line must hold}, {merged file: a phrase its note holds})."""
    files = members(good)
    top = next(iter(files)).split("/")[0]
    with open(good, "rb") as f:
        data = f.read()
    refused, noted = {}, {}

    def put(name, content):
        with open(os.path.join(out, name), "wb") as f:
            f.write(content)

    put("corrupt.tar.gz", b"\x1f\x8b" + bytes(random.Random(1).randrange(256) for _ in range(3000)))
    refused["corrupt.tar.gz"] = "corrupt or truncated"
    put("truncated.tar.gz", data[:len(data) // 2])
    refused["truncated.tar.gz"] = "corrupt or truncated"
    put("notes.txt", b"not a bundle, only a note\n")
    refused["notes.txt"] = "not a bundle"
    put("empty.tar.gz", b"")
    refused["empty.tar.gz"] = "not a bundle"
    put(os.fsdecode(b"\xff\xfename.tar.gz"), b"x")
    refused["??name.tar.gz"] = "not a bundle"
    with open(os.path.join(out, "huge.tar.gz"), "wb") as f:
        f.truncate(9 << 20)     # sparse: no disk used
    refused["huge.tar.gz"] = "larger than any bundle"
    os.symlink(good, os.path.join(out, "link.tar.gz"))
    refused["link.tar.gz"] = "not a regular file"
    os.mkdir(os.path.join(out, "a-folder"))
    refused["a-folder"] = "not a regular file"
    write_tar(os.path.join(out, "no-manifest.tar.gz"),
              [regular(f"{top}/results/01-photocopy.csv",
                       files[f"{top}/results/01-photocopy.csv"])])
    refused["no-manifest.tar.gz"] = "no manifest.json"

    def newer_format(t, fs, m):
        m["format_version"] = 2
    rebundle(os.path.join(out, "format-2.tar.gz"), files, newer_format)
    refused["format-2.tar.gz"] = "another project version"

    def other_columns(t, fs, m):
        csv = fs[f"{t}/results/01-photocopy.csv"].decode().splitlines()
        fs[f"{t}/results/01-photocopy.csv"] = ("\n".join(l + ",0" for l in csv) + "\n").encode()
    rebundle(os.path.join(out, "other-columns.tar.gz"), files, other_columns)
    refused["other-columns.tar.gz"] = "another project version"

    tampered = dict(files)
    tampered[f"{top}/results/01-photocopy.csv"] += b"01-photocopy,copy,64,,11,1,1,1,1,1,1,0,1,0,0\n"
    write_tar(os.path.join(out, "tampered.tar.gz"), [regular(n, d) for n, d in tampered.items()])
    refused["tampered.tar.gz"] = "not what its manifest says"

    for name, phrase, entry in (
            ("dotdot.tar.gz", "points outside", regular(f"{top}/../../x", b"x")),
            ("absolute.tar.gz", "points outside", regular("/tmp/class-test-absolute", b"x")),
            ("symlink.tar.gz", "is a link", special(f"{top}/results/01-photocopy.csv",
                                                    tarfile.SYMTYPE, "/etc/passwd")),
            ("hardlink.tar.gz", "is a link", special(f"{top}/results/machine.json",
                                                     tarfile.LNKTYPE, "/etc/passwd")),
            ("device.tar.gz", "device", special(f"{top}/results/zero", tarfile.CHRTYPE)),
            ("fifo.tar.gz", "device or a FIFO", special(f"{top}/results/pipe", tarfile.FIFOTYPE)),
            ("not-utf8.tar.gz", "not UTF-8",
             regular(f"{top}/results/\udcff\udcfe.csv", b"x")),
            ("other-folder.tar.gz", "outside one results-<id> folder",
             regular("elsewhere/manifest.json", b"{}"))):
        write_tar(os.path.join(out, name), [regular(n, d) for n, d in files.items()] + [entry])
        refused[name] = phrase

    # Merged with a note: a file that does not parse is left out, the rest merged.
    def with_file(member, content, new):
        def change(t, fs, m):
            fs[f"{t}/{member}"] = content(fs[f"{t}/{member}"])
            renamed(t, fs, m, new)
        return change
    for n, (name, phrase, member, content) in enumerate((
            ("nul-byte.tar.gz", "never writes", "results/01-photocopy.csv",
             lambda d: d.replace(b",copy,", b",co\0py,", 1)),
            ("nan-median.tar.gz", "not a finite", "results/01-photocopy.csv", nan_median),
            ("machine-list.tar.gz", "not a JSON object", "results/machine.json",
             lambda d: b"[1, 2]"),
            ("deep-json.tar.gz", "not valid JSON", "results/machine.json",
             lambda d: b"[" * 100000 + b"]" * 100000))):
        rebundle(os.path.join(out, name), files, with_file(member, content, f"{n + 1}" * 12))
        noted[name] = phrase

    # A tar bomb: one member of 64 MiB of zeros, about 64 KiB compressed.
    zeros = bytes(64 << 20)
    write_tar(os.path.join(out, "bomb.tar.gz"), [regular(f"{top}/results/01-photocopy.csv", zeros)])
    refused["bomb.tar.gz"] = "tar bomb"

    # A bomb in a header: a pax header is read whole, 48 MiB of it.
    info, content = regular(f"{top}/manifest.json", files[f"{top}/manifest.json"])
    info.pax_headers = {"comment": "x" * (48 << 20)}
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            tar.addfile(info, io.BytesIO(content))
    put("pax-bomb.tar.gz", raw.getvalue())
    refused["pax-bomb.tar.gz"] = "tar bomb"

    # Merged with a note: one lesson missing, one extra CSV, a second share of one machine.
    def missing(t, fs, m):
        del fs[f"{t}/results/03-strides.csv"]
        renamed(t, fs, m, "b" * 12)
    rebundle(os.path.join(out, "missing-03.tar.gz"), files, missing)
    noted["missing-03.tar.gz"] = "no results for 03-strides"

    def extra(t, fs, m):
        fs[f"{t}/results/99-extra.csv"] = fs[f"{t}/results/01-photocopy.csv"]
        renamed(t, fs, m, "c" * 12)
    rebundle(os.path.join(out, "extra-99.tar.gz"), files, extra)
    noted["extra-99.tar.gz"] = "extra 99-extra.csv"

    def strange_strings(t, fs, m):
        machine = json.loads(fs[f"{t}/results/machine.json"])
        machine["cpu_model"] = "<script>alert(1)</script>'; system('touch /tmp/pwned'); '"
        fs[f"{t}/results/machine.json"] = json.dumps(machine).encode()
        m["name"] = "=HYPERLINK(\"http://x\")"
        renamed(t, fs, m, "e" * 12)
    rebundle(os.path.join(out, "strange-strings.tar.gz"), files, strange_strings)

    def older_share(t, fs, m):
        m["date"] = "2001-01-01T00:00:00Z"
    rebundle(os.path.join(out, "same-machine-older.tar.gz"), files, older_share)
    refused["same-machine-older.tar.gz"] = "the same machine as"
    return refused, noted
