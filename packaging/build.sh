#!/usr/bin/env bash
# Build the self-contained one-folder app for this platform into dist/reading-list/
# (dist/Reading List.app on macOS), then print its size and check it starts.
#
#   packaging/build.sh            uses python3 from PATH; PYTHON=... to choose another
#   python3 packaging/smoke_test.py    then runs the built program on a real PDF
#
# The app's own dependencies must already be installed in that Python
# (python3 -m pip install .); PyInstaller is installed here because it is a
# build tool, not something the app needs at run time. It is the only download.
# On Linux the build machine also needs objdump (binutils) and the libraries of Qt's
# xcb platform, which are bundled from here (checked below; .ci/run installs them).
#
# Quiet: the pip and PyInstaller output goes to build/packaging.log, whose tail is
# printed when a step fails. Each step has a time limit (BUILD_TIMEOUT, seconds).
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
BUILD_TIMEOUT="${BUILD_TIMEOUT:-1200}"
LOG="build/packaging.log"
mkdir -p build
: >"$LOG"

# `timeout` is GNU coreutils: there on Linux, not always on macOS.
LIMIT=()
if command -v timeout >/dev/null 2>&1; then LIMIT=(timeout --kill-after=30 "$BUILD_TIMEOUT"); fi

step() {  # step "what" command...: run quietly into the log; on failure show the log's tail
    local what="$1" start=$SECONDS status=0
    shift
    echo "== $what" >>"$LOG"
    ${LIMIT[@]+"${LIMIT[@]}"} "$@" >>"$LOG" 2>&1 || status=$?
    if [ "$status" != 0 ]; then
        if [ "$status" = 124 ] || [ "$status" = 137 ]; then
            echo "build.sh: $what: timed out after ${BUILD_TIMEOUT} s" >&2
        else
            echo "build.sh: $what: failed (exit $status)" >&2
        fi
        echo "---- last 60 lines of $LOG ----" >&2
        tail -n 60 "$LOG" >&2
        exit 1
    fi
    echo "$what: $((SECONDS - start)) s"
}

if [ "$(uname -s)" = Linux ] && ! command -v objdump >/dev/null 2>&1; then
    echo "build.sh: PyInstaller needs objdump on Linux: install binutils (apt-get install binutils)" >&2
    exit 1
fi

# Qt's xcb platform plugin (what a double-click on an X11 desktop loads) needs these
# libraries. PyInstaller bundles only what it finds here, and many desktops lack some of
# them (libxcb-cursor0 above all), so a build without them would not start there.
if [ "$(uname -s)" = Linux ] && command -v ldconfig >/dev/null 2>&1; then
    missing=()
    known="$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p)"
    for lib in libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-image.so.0 libxcb-keysyms.so.1 libxcb-randr.so.0 \
               libxcb-render-util.so.0 libxcb-shape.so.0 libxcb-xkb.so.1 libxkbcommon-x11.so.0; do
        grep -q "^[[:space:]]*$lib " <<<"$known" || missing+=("$lib")
    done
    if [ "${#missing[@]}" != 0 ]; then
        echo "build.sh: Qt's xcb platform needs ${missing[*]}, which are not installed here, so the build" >&2
        echo "  could not bundle them. On Debian or Ubuntu: apt-get install libxcb-cursor0 libxcb-icccm4" >&2
        echo "  libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0" >&2
        exit 1
    fi
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_PROGRESS_BAR=off
step "install PyInstaller" "$PYTHON" -m pip install --quiet "pyinstaller>=6.10,<7"
step "PyInstaller $("$PYTHON" -m PyInstaller --version 2>/dev/null)" \
    "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/reading-list.spec

case "$(uname -s)" in
    Darwin) APP="dist/Reading List.app"; BIN="$APP/Contents/MacOS/reading-list" ;;
    MINGW*|MSYS*|CYGWIN*) APP="dist/reading-list"; BIN="$APP/reading-list.exe" ;;
    *) APP="dist/reading-list"; BIN="$APP/reading-list" ;;
esac

echo "built: $APP"
echo "size:  $(du -sh "$APP" | cut -f1)"

# Start-up check: the frozen program must import its entry point and exit cleanly.
QT_QPA_PLATFORM=offscreen "$PYTHON" - "$BIN" <<'PY'
import subprocess, sys, time
start = time.perf_counter()
result = subprocess.run([sys.argv[1], "--version"], capture_output=True, text=True, timeout=60)
elapsed = (time.perf_counter() - start) * 1000
print(f"{sys.argv[1]} --version -> {result.stdout.strip() or result.stderr.strip()[-500:]} "
      f"(exit {result.returncode}, {elapsed:.0f} ms)")
sys.exit(result.returncode)
PY
