#!/usr/bin/env bash
# Build the self-contained one-folder app for this platform into dist/reading-list/
# (dist/Reading List.app on macOS), then print its size and check it starts.
#
#   packaging/build.sh            uses python3 from PATH; PYTHON=... to choose another
#
# The app's own dependencies must already be installed in that Python
# (python3 -m pip install .); PyInstaller is installed here because it is a
# build tool, not something the app needs at run time.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

"$PYTHON" -m pip install --quiet "pyinstaller>=6.10,<7"
"$PYTHON" -m PyInstaller --noconfirm --clean \
    --distpath dist --workpath build/pyinstaller \
    packaging/reading-list.spec

case "$(uname -s)" in
    Darwin) APP="dist/Reading List.app"; BIN="$APP/Contents/MacOS/reading-list" ;;
    MINGW*|MSYS*|CYGWIN*) APP="dist/reading-list"; BIN="$APP/reading-list.exe" ;;
    *) APP="dist/reading-list"; BIN="$APP/reading-list" ;;
esac

echo "built: $APP"
echo "size:  $(du -sh "$APP" | cut -f1)"

# Start-up check: the frozen program must import everything and exit cleanly.
QT_QPA_PLATFORM=offscreen "$PYTHON" - "$BIN" <<'PY'
import subprocess, sys, time
start = time.perf_counter()
result = subprocess.run([sys.argv[1], "--version"], capture_output=True, text=True, timeout=60)
elapsed = (time.perf_counter() - start) * 1000
print(f"{sys.argv[1]} --version -> {result.stdout.strip() or result.stderr.strip()[-500:]} "
      f"(exit {result.returncode}, {elapsed:.0f} ms)")
sys.exit(result.returncode)
PY
