#!/bin/bash
# The Kubernetes path of sharded runs, without a cluster: no Kubernetes control plane or kubelet
# can be installed from the package registries this project reaches, so this proves what can be
# proved offline about deploy/k8s/regionlink-indexed-job.yaml:
#
#  (a) the manifest is valid against the Kubernetes OpenAPI schemas (PyPI's kubernetes-validate,
#      which bundles them, run --strict in a network namespace with no network when possible),
#      for every bundled Kubernetes version from MIN_K8S (1.29, for backoffLimitPerIndex) on; and
#      its structure: one batch/v1 Job with completionMode Indexed (completions = N,
#      1 ≤ parallelism ≤ N, REGIONLINK_N = N in every container that has it), one merge Job,
#      every container on the same image, the same ReadWriteMany claim at the same mountPath,
#      the same workingDir on that volume, restartPolicy Never/OnFailure;
#  (b) its shell logic, run as the pods would run it: the command + args of each container are
#      taken from the YAML (with Kubernetes' own `$(VAR)` expansion of command and args from the
#      container's env), the image's regionlink replaced by the binary given as $1 and the
#      volume's mountPath by a scratch directory, each run under `env -i` with only the
#      container's env, PATH, HOME, HOSTNAME and (for the shards) JOB_COMPLETION_INDEX. On a
#      synthetic road graph it runs shards 0 … N−2 (at most `parallelism` at once), checks that
#      the merge Job's init containers still wait and that the merge itself refuses, runs the last
#      shard, checks the N part files, that the init containers now finish, runs the merge and
#      compares the merged output (and what the merge prints) byte for byte with a single run of
#      the shard command without --shard. Exits non-zero on any difference.
# Not proved here: scheduling, the image (its PATH, its /bin/sh), the claim's provisioning,
# per-index retries: those need a cluster.
#
#   cargo build --release && scripts/k8s_manifest_check.sh [path/to/regionlink]
#
# Env: MANIFEST (default deploy/k8s/regionlink-indexed-job.yaml), WORK (scratch directory,
# default a new /tmp/regionlink-k8s.*, removed on success), NODES (synthetic road nodes, default
# 6000), MIN_K8S (default 1.29), KV_VENV (an existing venv with kubernetes-validate, instead of
# a new one under WORK), IMAGE_BIN (the binary's path in the image if the manifest names it,
# default /usr/local/bin/regionlink). Needs python3 (venv) and PyPI for the first install.
set -euo pipefail
t0=$(date +%s)
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-${REGIONLINK:-$repo/target/release/regionlink}}")
manifest=$(realpath "${MANIFEST:-$repo/deploy/k8s/regionlink-indexed-job.yaml}")
min_k8s=${MIN_K8S:-1.29}
keep=${WORK:+1}
work=${WORK:-$(mktemp -d /tmp/regionlink-k8s.XXXXXX)}
mkdir -p "$work"
work=$(realpath "$work")
say() { echo "k8s_manifest_check: $*"; }
fail() {
    say "FAILED: $* (work directory $work)"
    exit 1
}
[ -x "$bin" ] || fail "no regionlink binary at $bin"
[ -f "$manifest" ] || fail "no manifest at $manifest"

# (a) The schema validator, in a venv of its own (PyYAML comes with it).
venv=${KV_VENV:-$work/venv}
if ! "$venv/bin/python" -c 'import kubernetes_validate, yaml' 2>/dev/null; then
    say "installing kubernetes-validate into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==1.37.0" \
        >"$work/pip.log" 2>&1 || { cat "$work/pip.log"; fail "pip install kubernetes-validate"; }
fi
py=$venv/bin/python
t_install=$(date +%s)

# Offline: in a new network namespace (no interface but a down loopback) when we may make one.
offline=()
if unshare -n true 2>/dev/null; then
    offline=(unshare -n)
    how="offline: in a network namespace without network"
else
    how="without a network namespace (unshare -n not permitted), schemas from the package"
fi
versions=$("$py" - "$min_k8s" <<'PY'
import os, sys, kubernetes_validate
lo = tuple(int(x) for x in sys.argv[1].split("."))
d = os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema")
vs = set()
for name in os.listdir(d):
    if name.startswith("v") and name.endswith("-local-strict"):
        v = tuple(int(x) for x in name[1:-len("-local-strict")].split("."))
        if v[:2] >= lo:
            vs.add("%d.%d" % v[:2])
print(" ".join(sorted(vs, key=lambda s: tuple(map(int, s.split("."))))))
PY
)
[ -n "$versions" ] || fail "kubernetes-validate bundles no schema of Kubernetes $min_k8s or later"
for v in $versions; do
    if ! out=$("${offline[@]}" "$venv/bin/kubernetes-validate" --strict --quiet -k "$v" "$manifest" 2>&1); then
        echo "$out"
        fail "the manifest is not valid for Kubernetes $v (kubernetes-validate --strict)"
    fi
done
say "schema: valid for Kubernetes ${versions// /, } (kubernetes-validate --strict, $how)"

# The structure, and the plan of the run: shell assignments for eval, messages on stderr.
data=$work/data
mkdir -p "$data" "$work/logs" "$work/home" "$work/image-bin"
ln -sf "$bin" "$work/image-bin/regionlink"   # the image's PATH: `regionlink` is the binary under test
plan=$("$py" - "$manifest" "$data" "$bin" "${IMAGE_BIN:-/usr/local/bin/regionlink}" <<'PY'
import os, re, shlex, sys, yaml

manifest, data, binary, image_bin = sys.argv[1:5]
errors = []
def err(msg):
    errors.append(msg)
def die(msg):
    print("k8s_manifest_check: " + msg, file=sys.stderr)
    sys.exit(1)

docs = [d for d in yaml.safe_load_all(open(manifest)) if d is not None]
jobs = [d for d in docs if d.get("kind") == "Job"]
pvcs = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "PersistentVolumeClaim"}
for j in jobs:
    if j.get("apiVersion") != "batch/v1":
        err("Job %s: apiVersion %r, not batch/v1" % (j["metadata"]["name"], j.get("apiVersion")))
indexed = [j for j in jobs if j.get("spec", {}).get("completionMode") == "Indexed"]
others = [j for j in jobs if j.get("spec", {}).get("completionMode") != "Indexed"]
if len(indexed) != 1 or len(others) != 1:
    die("expected one Job with completionMode Indexed (the shards) and one other Job (the merge), "
        "found %d and %d" % (len(indexed), len(others)))
shard, merge = indexed[0], others[0]
sname, mname = shard["metadata"]["name"], merge["metadata"]["name"]
ss, ms = shard["spec"], merge["spec"]
n = ss.get("completions")
if not isinstance(n, int) or n < 1:
    die("Job %s: completions %r is not a positive integer N" % (sname, n))
p = ss.get("parallelism", 1)
if not isinstance(p, int) or not 1 <= p <= n:
    err("Job %s: parallelism %r is not in 1 … completions (%d)" % (sname, p, n))
    p = n
if ss.get("maxFailedIndexes", 0) > n:
    err("Job %s: maxFailedIndexes %r > completions %d" % (sname, ss["maxFailedIndexes"], n))
for k in ("completions", "parallelism"):
    if ms.get(k, 1) != 1:
        err("Job %s (the merge): %s %r, not 1" % (mname, k, ms[k]))

def pod(job):
    return job["spec"]["template"]["spec"]
sp, mp = pod(shard), pod(merge)
for name, ps in ((sname, sp), (mname, mp)):
    if ps.get("restartPolicy") not in ("Never", "OnFailure"):
        err("Job %s: restartPolicy %r (a Job needs Never or OnFailure)" % (name, ps.get("restartPolicy")))
if ss.get("backoffLimitPerIndex") is not None and sp.get("restartPolicy") != "Never":
    err("Job %s: backoffLimitPerIndex counts failed pods: restartPolicy must be Never" % sname)
if len(sp.get("containers", [])) != 1 or sp.get("initContainers"):
    die("Job %s: expected exactly one container and no init containers" % sname)
if len(mp.get("containers", [])) != 1:
    die("Job %s: expected exactly one container" % mname)

containers = [(sname, sp, sp["containers"][0])]
containers += [(mname, mp, c) for c in mp.get("initContainers", [])]
containers += [(mname, mp, mp["containers"][0])]

mounts, images, wds = set(), set(), set()
for jname, ps, c in containers:
    where = "Job %s, container %s" % (jname, c["name"])
    images.add(c.get("image"))
    vols = {v["name"]: v for v in ps.get("volumes", [])}
    vm = c.get("volumeMounts", [])
    if len(vm) != 1:
        err("%s: expected one volumeMount (the shared claim), found %d" % (where, len(vm)))
    for m in vm:
        v = vols.get(m["name"])
        if v is None or "persistentVolumeClaim" not in v:
            err("%s: volume %r is not a persistentVolumeClaim of the pod" % (where, m["name"]))
            continue
        claim = v["persistentVolumeClaim"]["claimName"]
        if claim not in pvcs:
            err("%s: claim %r is not in the manifest" % (where, claim))
        mounts.add((claim, m["mountPath"].rstrip("/") or "/", m.get("subPath", "")))
    wds.add(c.get("workingDir"))
    for e in c.get("env", []):
        if "value" not in e:
            err("%s: env %s has no plain value (valueFrom cannot be run here)" % (where, e["name"]))
        elif e["name"] == "REGIONLINK_N" and str(e["value"]) != str(n):
            err("%s: REGIONLINK_N = %r but completions = %d" % (where, e["value"], n))
    if not c.get("command"):
        err("%s: no command (the image's entrypoint cannot be known here)" % where)
if len(images) != 1:
    err("the containers use different images %s (merge refuses parts of another version)" % sorted(map(str, images)))
if len(mounts) != 1:
    die("the containers do not all mount the same claim at the same path: %s" % sorted(mounts))
claim, mount, subpath = next(iter(mounts))
modes = pvcs.get(claim, {}).get("spec", {}).get("accessModes", [])
if "ReadWriteMany" not in modes:
    err("claim %s: accessModes %s, not ReadWriteMany (shards and merge run on any node)" % (claim, modes))
if len(wds) != 1 or None in wds:
    die("the containers do not all have the same workingDir: %s (relative input paths and "
        "their hashes must be the same for the shards and the merge)" % sorted(map(str, wds)))
wd = next(iter(wds))
if not (wd == mount or wd.startswith(mount + "/")):
    die("workingDir %s is not on the shared volume (mounted at %s)" % (wd, mount))
local_wd = data + wd[len(mount):]
if errors:
    for e in errors:
        print("k8s_manifest_check: " + e, file=sys.stderr)
    sys.exit(1)

# Kubernetes' expansion of $(VAR) in env values, command and args (third_party/forked/golang/
# expansion): $(NAME) of a defined variable is replaced, $$ is a literal $, anything else stays.
def expand(s, env):
    out, i = [], 0
    while i < len(s):
        if s[i] == "$" and i + 1 < len(s):
            if s[i + 1] == "$":
                out.append("$"); i += 2; continue
            if s[i + 1] == "(":
                j = s.find(")", i + 2)
                if j >= 0:
                    name = s[i + 2:j]
                    out.append(env[name] if name in env else s[i:j + 1]); i = j + 1; continue
        out.append(s[i]); i += 1
    return "".join(out)

mount_re = re.compile(r"(?<![\w./-])" + re.escape(mount) + r"(?=/|$|[^\w.-])")
def localize(s):
    return mount_re.sub(lambda _: data, s.replace(image_bin, binary))

def container_env(c, extra):
    env = dict(extra)
    for e in c.get("env", []):
        env[e["name"]] = expand(str(e["value"]), env)
    return env

def argv(c, env):
    return [localize(expand(str(a), env)) for a in c.get("command", []) + c.get("args", [])]

q = shlex.quote
def arr(name, items):
    return "%s=(%s)" % (name, " ".join(q(x) for x in items))
def envarr(name, env):
    return arr(name, ["%s=%s" % kv for kv in env.items()])

lines = ["N=%d" % n, "P=%d" % p, "WD=%s" % q(local_wd), "MOUNT=%s" % q(mount)]
sc = sp["containers"][0]
lines.append(envarr("SHARD_ENV", container_env(sc, {})))
for i in range(n):
    env = container_env(sc, {"JOB_COMPLETION_INDEX": str(i)})
    lines.append(arr("SHARD_ARGV_%d" % i, argv(sc, env)))
inits = mp.get("initContainers", [])
lines.append("INITS=%d" % len(inits))
for k, c in enumerate(inits):
    env = container_env(c, {})
    lines += [envarr("INIT_ENV_%d" % k, env), arr("INIT_ARGV_%d" % k, argv(c, env))]
mc = mp["containers"][0]
menv = container_env(mc, {})
margv = argv(mc, menv)
lines += [envarr("MERGE_ENV", menv), arr("MERGE_ARGV", margv)]

# The single run: the shard's command without --shard, --out a file (or directory) of the same
# name as the merge's --out, in another directory.
def tokens(av):
    if len(av) >= 3 and os.path.basename(av[0]) in ("sh", "bash", "dash") and av[1] == "-c":
        lex = shlex.shlex(av[2], posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        t = list(lex)
        if any(x and set(x) <= set(";&|<>()") for x in t):
            die("the shard's shell command is not one simple command; cannot derive the single run: %r" % av[2])
        return t[1:] if t and t[0] == "exec" else t
    return list(av)
def opt(t, name):
    for k, x in enumerate(t):
        if x == name and k + 1 < len(t):
            return k, t[k + 1]
        if x.startswith(name + "="):
            return k, x[len(name) + 1:]
    return None, None
mt = tokens(margv)
_, merge_out = opt(mt, "--out")
if merge_out is None:
    die("the merge has no --out")
st = tokens(argv(sc, container_env(sc, {"JOB_COMPLETION_INDEX": "0"})))
k, _ = opt(st, "--shard")
if k is None:
    die("the shard command has no --shard")
del st[k:k + (1 if st[k].startswith("--shard=") else 2)]
k, parts = opt(st, "--out")
if k is None:
    die("the shard command has no --out")
single_out = os.path.join("single", os.path.basename(merge_out.rstrip("/")))
st[k:k + (1 if st[k].startswith("--out=") else 2)] = ["--out", single_out]
if os.path.basename(st[0]) == "regionlink" or st[0] == binary:
    st[0] = binary
else:
    die("the shard command does not run regionlink: %r" % st[0])
senv = container_env(sc, {})
def shvar(m):
    name = m.group(1) or m.group(2)
    if name not in senv:
        die("the shard command uses $%s, which the container does not define" % name)
    return senv[name]
st = [re.sub(r"\$\{(\w+)\}|\$(\w+)", shvar, x) for x in st]
cmd = next((x for x in st if x in ("access", "matrix", "resilience", "timeline")), None)
if cmd is None:
    die("the shard command runs none of access, matrix, resilience, timeline")
# Not an error, but worth saying: an image tagged :latest (or untagged) without imagePullPolicy
# is pulled at every pod start (the default policy is then Always).
img = next(iter(images)) or ""
tag = "" if "@" in img else img.rsplit("/", 1)[-1].partition(":")[2]
if tag in ("", "latest") and any(c.get("imagePullPolicy") is None for _, _, c in containers):
    lines.append("NOTE=" + q("image %s is :latest without imagePullPolicy, so every pod pulls it "
        "(policy Always)%s: push it to a registry the nodes reach, or set imagePullPolicy: "
        "IfNotPresent for an image loaded into the nodes (kind load, minikube image load, "
        "k3s ctr images import)" % (img, ", from Docker Hub (docker.io/library/%s)" % img
                                    if "/" not in img else "")))
else:
    lines.append("NOTE=")
lines += [arr("SINGLE_ARGV", st), "CMD=%s" % cmd, "PARTS=%s" % q(parts),
          "MERGE_OUT=%s" % q(merge_out), "SINGLE_OUT=%s" % q(single_out)]
lines.append("STRUCTURE=" + q("Indexed Job %s (completions %d, parallelism %d), merge Job %s "
    "(%d init container(s)), image %s, claim %s (%s) at %s, workingDir %s"
    % (sname, n, p, mname, len(inits), next(iter(images)), claim, ",".join(modes), mount, wd)))
print("\n".join(lines))
PY
) || fail "the manifest's structure (above)"
eval "$plan"
say "structure: $STRUCTURE"
[ -z "$NOTE" ] || say "note: $NOTE"
t_checked=$(date +%s)

# (b) Inputs where the manifest expects them (<mountPath>/inputs, as its comment says).
mkdir -p "$WD"
cd "$WD"
"$bin" --quiet synth --nodes "${NODES:-6000}" --seed 5 --units 40 --out inputs >/dev/null

# A container of the manifest, as its pod would run it: only its env, in its workingDir.
run_pod() { # name index-or-empty env-array-name argv-array-name [timeout seconds]
    local name=$1 idx=$2 envn="$3[@]" argvn="$4[@]" limit=${5:-}
    local extra=()
    [ -n "$idx" ] && extra=(JOB_COMPLETION_INDEX="$idx")
    local pre=()
    [ -n "$limit" ] && pre=(timeout -k 2 "$limit")
    (cd "$WD" && "${pre[@]}" env -i PATH="$work/image-bin:/usr/local/bin:/usr/bin:/bin" \
        HOME="$work/home" HOSTNAME="$name" "${extra[@]}" "${!envn}" "${!argvn}") \
        >"$work/logs/$name.out" 2>"$work/logs/$name.err"
}
run_shards() { # first last: indexes first … last, at most P at once
    local i pids=() names=() k rc=0
    for ((i = $1; i <= $2; i++)); do
        run_pod "shard-$i" "$i" SHARD_ENV "SHARD_ARGV_$i" &
        pids+=($!)
        names+=("shard-$i")
        if [ "${#pids[@]}" -ge "$P" ] || [ "$i" -eq "$2" ]; then
            for k in "${!pids[@]}"; do
                if ! wait "${pids[$k]}"; then
                    say "pod ${names[$k]} failed:"
                    tail -n 5 "$work/logs/${names[$k]}.err" "$work/logs/${names[$k]}.out"
                    rc=1
                fi
            done
            pids=()
            names=()
        fi
    done
    return $rc
}
run_inits() { # seconds: every init container in order, each within that time; returns the first failure
    local k rc
    for ((k = 0; k < INITS; k++)); do
        rc=0
        run_pod "init-$k" "" "INIT_ENV_$k" "INIT_ARGV_$k" "$1" || rc=$?
        [ "$rc" = 0 ] || return "$rc"
    done
}

# Shards 0 … N−2: the merge must not go ahead yet.
if [ "$N" -gt 1 ]; then
    run_shards 0 $((N - 2)) || fail "a shard pod failed"
fi
if [ "$INITS" -gt 0 ]; then
    rc=0
    run_inits 3 || rc=$?
    [ "$rc" = 124 ] || fail "with $((N - 1)) of $N parts the merge Job's init containers did not keep waiting (exit $rc)"
    say "gate: with $((N - 1)) of $N parts the merge's init container still waits"
fi
rc=0
run_pod merge-early "" MERGE_ENV MERGE_ARGV || rc=$?
[ "$rc" != 0 ] || fail "after $((N - 1)) of $N shard pods the merge already succeeded, on $(cd "$PARTS" && echo *) (do the shards use N = $N?)"
[ ! -e "$MERGE_OUT" ] || fail "the refused merge left $MERGE_OUT"
say "gate: the merge itself refuses $((N - 1)) of $N parts (exit $rc: $(head -n 1 "$work/logs/merge-early.err"))"

# The last shard, the parts, the init containers, the merge.
run_shards $((N - 1)) $((N - 1)) || fail "a shard pod failed"
for ((i = 0; i < N; i++)); do
    [ -s "$PARTS/$CMD.part-$i-of-$N.jsonl" ] || fail "no part $PARTS/$CMD.part-$i-of-$N.jsonl"
done
found=$(find "$PARTS" -maxdepth 1 -type f | wc -l)
[ "$found" = "$N" ] || fail "$PARTS holds $found files, not the $N parts: $(cd "$PARTS" && echo .* *)"
if [ "$INITS" -gt 0 ]; then
    rc=0
    run_inits 30 || rc=$?
    [ "$rc" = 0 ] || fail "with all $N parts the merge Job's init containers did not finish (exit $rc)"
fi
run_pod merge "" MERGE_ENV MERGE_ARGV || { cat "$work/logs/merge.err"; fail "the merge pod failed"; }
t_pods=$(date +%s)

# The single run, and the comparison.
(cd "$WD" && env -i PATH="$work/image-bin:/usr/local/bin:/usr/bin:/bin" HOME="$work/home" \
    "${SHARD_ENV[@]}" "${SINGLE_ARGV[@]}") >"$work/logs/single.out" 2>"$work/logs/single.err" \
    || { cat "$work/logs/single.err"; fail "the single run failed"; }
t_single=$(date +%s)
if [ -d "$SINGLE_OUT" ]; then
    diff -r "$SINGLE_OUT" "$MERGE_OUT" >"$work/logs/diff.txt" 2>&1 \
        || { head -n 20 "$work/logs/diff.txt"; fail "$CMD: the merged $MERGE_OUT differs from the single run"; }
    size="$(find "$SINGLE_OUT" -type f | wc -l) files"
else
    cmp "$SINGLE_OUT" "$MERGE_OUT" || fail "$CMD: the merged $MERGE_OUT differs from the single run"
    size="$(wc -c <"$SINGLE_OUT") bytes"
fi
# What the merge prints is what the single run prints, but for the path it names.
if ! sed "s|$SINGLE_OUT|$MERGE_OUT|g" "$work/logs/single.out" | cmp -s - "$work/logs/merge.out"; then
    sed "s|$SINGLE_OUT|$MERGE_OUT|g" "$work/logs/single.out" | diff - "$work/logs/merge.out" | head -n 10
    fail "$CMD: what the merge printed differs from what the single run printed"
fi
say "$CMD: merged output of $N shards is byte-identical to the single run ($size), and so is what it printed"
t_done=$(date +%s)
[ -n "$keep" ] || rm -rf "$work"
say "ok in $((t_done - t0)) s: validator install $((t_install - t0)) s, schema + structure $((t_checked - t_install)) s, synth + $N shard pods + merge $((t_pods - t_checked)) s, single run $((t_single - t_pods)) s"
