#!/usr/bin/env bash
# The Rust kernel used while grading: evcxr_jupyter locked in a throw-away sandbox.
#
#   kernel.sh CONNECTION_FILE       (argv of the "rust" kernelspec written by grading/worker.py)
#
# jupyter_client starts this as root inside the worker's private network namespace (only a
# loopback interface: the kernel and its client talk over 127.0.0.1, nothing else is
# reachable). We then enter new mount, PID, IPC and UTS namespaces and build a root file
# system on a size-limited tmpfs holding only what evcxr needs, read-only:
#   /usr /etc (system), /opt/rust (toolchain), /opt/evcxr (kernel binary + evcxr.toml),
#   /opt/vendor (crate sources: cargo runs offline), /course/{Cargo.toml,Cargo.lock,crate}
#   (the released crate, so `:dep labkit = { path = "../crate" }` resolves from the
#   notebook folder /course/notebooks); and writable: /course/notebooks (cwd),
#   /home/student (HOME, CARGO_HOME), /tmp, and /evcxr = evcxr's build directory: an
#   overlay whose lower layer is the warm template (compiled dependencies, never written)
#   and whose upper layer lives in this tmpfs, so it disappears with the kernel.
# The kernel runs as an unprivileged uid without capabilities, in its own memory/pids/cpu
# cgroup, and is PID 1's only child: when
# the kernel ends or is killed, every process the student started dies with it.
#
# Settings come from the environment (kernelspec "env"): GRADE_RELEASE GRADE_EVCXR
# GRADE_EVCXR_CONFIG GRADE_SYSROOT GRADE_VENDOR GRADE_TEMPLATE GRADE_MODE(overlay|template)
# GRADE_UID GRADE_SLOT GRADE_MEMORY_MB GRADE_PIDS GRADE_TMPFS_MB GRADE_MOUNTPOINT, and
# GRADE_COMMAND (debugging: a shell command to run in the sandbox instead of the kernel).
set -euo pipefail

if [[ "${1:-}" != --inner ]]; then
  exec unshare --mount --pid --ipc --uts --fork --kill-child -- "$0" --inner "$@"
fi
shift
conn="$1"
R="$GRADE_MOUNTPOINT"   # an empty directory; the sandbox root is mounted over it
uid="$GRADE_UID"

mount --make-rprivate /
mount -t tmpfs -o "size=${GRADE_TMPFS_MB}m,mode=0755,nosuid,nodev" grade-root "$R"
mkdir -p "$R"/{usr,etc,dev,proc,tmp,run,evcxr,home/student,opt/rust,opt/vendor,opt/evcxr/config} \
         "$R"/course/{crate,notebooks} "$R"/.overlay/{upper,work}
for link in bin lib lib64 sbin; do [[ -L /$link ]] && ln -s "usr/$link" "$R/$link"; done

ro_bind() {  # ro_bind SOURCE TARGET
  mount --rbind "$1" "$2"
  mount -o remount,bind,ro "$2"
}
ro_bind /usr "$R/usr"
ro_bind /etc "$R/etc"
ro_bind "$GRADE_SYSROOT" "$R/opt/rust"
ro_bind "$GRADE_VENDOR" "$R/opt/vendor"
ro_bind "$GRADE_RELEASE/crate" "$R/course/crate"
for f in Cargo.toml Cargo.lock; do
  touch "$R/course/$f"
  ro_bind "$GRADE_RELEASE/$f" "$R/course/$f"
done
touch "$R/opt/evcxr/evcxr_jupyter"
ro_bind "$GRADE_EVCXR" "$R/opt/evcxr/evcxr_jupyter"
cp "$GRADE_EVCXR_CONFIG"/evcxr.toml "$R/opt/evcxr/config/"

# a minimal /dev and a /proc that shows only this sandbox's processes
mount -t tmpfs -o size=1m,mode=0755,nosuid grade-dev "$R/dev"
for node in null zero full random urandom; do
  touch "$R/dev/$node"
  mount --bind "/dev/$node" "$R/dev/$node"
done
ln -s /proc/self/fd "$R/dev/fd"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"

if [[ "$GRADE_MODE" == template ]]; then
  mount --bind "$GRADE_TEMPLATE" "$R/evcxr"        # building the template itself
else
  chown "$uid:$uid" "$R/.overlay/upper"
  mount -t overlay grade-evcxr \
    -o "lowerdir=$GRADE_TEMPLATE,upperdir=$R/.overlay/upper,workdir=$R/.overlay/work" "$R/evcxr"
fi
chmod 0700 "$R/.overlay"   # the overlay's own layers: not for the student
chmod 1777 "$R/tmp"
chown "$uid:$uid" "$R/home/student" "$R/course/notebooks" "$R/evcxr"
mkdir -p "$R/home/student/.cargo"
cat > "$R/home/student/.cargo/config.toml" <<'EOF'
[source.crates-io]
replace-with = "vendored-sources"
[source.vendored-sources]
directory = "/opt/vendor"
[net]
offline = true
EOF
cat "$GRADE_EVCXR_CONFIG/cargo-config.toml" >> "$R/home/student/.cargo/config.toml"  # as in students' kernels
chown -R "$uid:$uid" "$R/home/student/.cargo"
install -o "$uid" -g "$uid" -m 0600 "$conn" "$R/run/kernel.json"
hostname grading-sandbox

# resource limits: a memory+pids cgroup of the slot's own (v1 or v2), or no kernel at all
# (grade.py checks this before grading; one shared uid with rlimits would let one
# student's processes block another's compile)
limited=""
cg=/sys/fs/cgroup
if [[ -w $cg/memory && -w $cg/pids ]]; then   # v1
  mem="$cg/memory/labkit-grading/slot-$GRADE_SLOT" pids="$cg/pids/labkit-grading/slot-$GRADE_SLOT"
  cpu="$cg/cpu/labkit-grading/slot-$GRADE_SLOT"
  if mkdir -p "$mem" "$pids" \
     && echo $((GRADE_MEMORY_MB * 1024 * 1024)) > "$mem/memory.limit_in_bytes" \
     && echo "$GRADE_PIDS" > "$pids/pids.max" \
     && echo $$ > "$mem/cgroup.procs" && echo $$ > "$pids/cgroup.procs"; then
    limited=v1
    [[ -e $mem/memory.memsw.limit_in_bytes ]] && echo $((GRADE_MEMORY_MB * 1024 * 1024)) > "$mem/memory.memsw.limit_in_bytes" 2>/dev/null || true
    mkdir -p "$cpu" 2>/dev/null && echo $$ > "$cpu/cgroup.procs" 2>/dev/null || true
  fi
elif [[ -w $cg/cgroup.subtree_control ]]; then   # v2
  d="$cg/labkit-grading-slot-$GRADE_SLOT"
  mkdir -p "$d" && echo $((GRADE_MEMORY_MB * 1024 * 1024)) > "$d/memory.max" \
    && echo "$GRADE_PIDS" > "$d/pids.max" && echo $$ > "$d/cgroup.procs" && limited=v2 || true
fi
if [[ -z $limited ]]; then
  echo "kernel.sh: cannot create a memory and pids cgroup for slot $GRADE_SLOT; not starting the kernel" >&2
  exit 1
fi
ulimit -c 0                           # no core dumps
ulimit -f $((2 * 1024 * 1024))        # no single file above 2 GiB (in KiB blocks)

cd "$R"
chroot "$R" /usr/bin/setpriv --reuid="$uid" --regid="$uid" --clear-groups --no-new-privs \
  --inh-caps=-all --bounding-set=-all -- \
  /usr/bin/env -i HOME=/home/student USER=student LANG=C.UTF-8 TMPDIR=/tmp \
    PATH=/opt/rust/bin:/usr/bin:/bin CARGO_HOME=/home/student/.cargo CARGO_NET_OFFLINE=true \
    EVCXR_TMPDIR=/evcxr EVCXR_CONFIG_DIR=/opt/evcxr/config LABKIT_PANICS_AS_OUTPUT=1 \
    /bin/sh -c "cd /course/notebooks && exec ${GRADE_COMMAND:-/opt/evcxr/evcxr_jupyter --control_file /run/kernel.json}" &
kernel=$!
trap 'kill -KILL $kernel 2>/dev/null' TERM INT HUP
wait "$kernel"
