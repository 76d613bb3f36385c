#!/usr/bin/env bash
# Builds the Android library (AAR) of the MikoPBX SDK from the release jar (make kotlin-jar):
# its Kotlin classes, the native library for each Android ABI (built by cargo-ndk with the
# Android NDK) and the R8/ProGuard rules. `make kotlin-aar` runs it.
#
#   bindings-kotlin/android/build-aar.sh --jar JAR --out AAR [--abis "arm64-v8a x86_64"]
#                                        [--platform 21] [--dry-run]
#
# Needs the Android NDK (r28 or later; ANDROID_NDK_HOME, or Android Studio's default place),
# cargo-ndk (`cargo install cargo-ndk`), the Rust targets of the ABIs (`rustup target add
# aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android`) and
# a JDK's `jar`. --abis: default all four; --platform: the minimum Android API level (default
# 21); --dry-run prints the commands and runs none. CARGO_NDK replaces the `cargo ndk` command
# (the tests use a stand-in that writes fake libraries).
set -euo pipefail

usage() {
    sed -n '6,7p' "$0" | sed '1s/^# */usage: /; 2s/^#/  /' >&2
    exit 2
}

jar_file=""
out=""
abis="arm64-v8a armeabi-v7a x86_64 x86"
platform=21
dry_run=false
while [ $# -gt 0 ]; do
    case "$1" in
        --jar) jar_file=${2:?--jar needs a path}; shift 2 ;;
        --out) out=${2:?--out needs a path}; shift 2 ;;
        --abis) abis=${2:?--abis needs a list}; shift 2 ;;
        --platform) platform=${2:?--platform needs an API level}; shift 2 ;;
        --dry-run) dry_run=true; shift ;;
        *) echo "build-aar.sh: unknown argument $1" >&2; usage ;;
    esac
done
if [ -z "$jar_file" ] || [ -z "$out" ]; then usage; fi
case "$platform" in
    '' | *[!0-9]*) echo "build-aar.sh: --platform must be an API level, not $platform" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/../.." && pwd)
read -r -a cargo_ndk <<< "${CARGO_NDK:-cargo ndk}"
rules=META-INF/proguard/com.mikopbx_mikopbx-sdk.pro
library=libmikopbx_uniffi.so

# The Rust target of each Android ABI, for the check that it is installed.
rust_target() {
    case "$1" in
        arm64-v8a) echo aarch64-linux-android ;;
        armeabi-v7a) echo armv7-linux-androideabi ;;
        x86_64) echo x86_64-linux-android ;;
        x86) echo i686-linux-android ;;
        *) echo "build-aar.sh: unknown Android ABI $1 (arm64-v8a, armeabi-v7a, x86_64, x86)" >&2; exit 2 ;;
    esac
}

ndk_args=(--platform "$platform")
for abi in $abis; do
    rust_target "$abi" >/dev/null
    ndk_args+=(-t "$abi")
done

if $dry_run; then
    work='<work>'
    run() { echo "$*"; }
    run_in() { local dir=$1; shift; echo "(cd $dir && $*)"; }
else
    [ -f "$jar_file" ] || { echo "build-aar.sh: no jar at $jar_file (make kotlin-jar builds it)" >&2; exit 1; }
    command -v jar >/dev/null || { echo "build-aar.sh: jar (from a JDK) is not on PATH" >&2; exit 1; }
    if [ -z "${CARGO_NDK:-}" ]; then
        cargo ndk --version >/dev/null 2>&1 || { echo "build-aar.sh: cargo-ndk is missing: cargo install cargo-ndk" >&2; exit 1; }
        if command -v rustup >/dev/null; then
            installed=$(rustup target list --installed)
            for abi in $abis; do
                target=$(rust_target "$abi")
                grep -qx "$target" <<< "$installed" || { echo "build-aar.sh: rustup target add $target" >&2; exit 1; }
            done
        fi
    fi
    jar_file=$(cd "$(dirname "$jar_file")" && pwd)/$(basename "$jar_file")
    mkdir -p "$(dirname "$out")"
    out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    run() { "$@"; }
    run_in() { (cd "$1" && shift && "$@"); }
fi

# 1. The native library for every ABI, at the AAR's jni/<abi>/ (cargo-ndk's -o layout).
run_in "$root" "${cargo_ndk[@]}" "${ndk_args[@]}" -o "$work/aar/jni" build --release -p mikopbx-uniffi
if ! $dry_run; then
    for abi in $abis; do
        [ -s "$work/aar/jni/$abi/$library" ] || { echo "build-aar.sh: cargo-ndk made no $abi/$library" >&2; exit 1; }
    done
fi

# 2. classes.jar: the jar without its desktop native library (Android loads the jni/ ones)
#    and without the rules, which the AAR carries as proguard.txt.
run mkdir -p "$work/classes"
run_in "$work/classes" jar xf "$jar_file"
run cp "$work/classes/$rules" "$work/aar/proguard.txt"
run rm -rf "$work/classes/linux-x86-64" "$work/classes/META-INF/proguard"
run jar --create --file "$work/aar/classes.jar" -C "$work/classes" .

# 3. The manifest (the SDK talks to the PBX over the network) and an empty R.txt: no resources.
manifest="<?xml version=\"1.0\" encoding=\"utf-8\"?>
<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\" package=\"com.mikopbx.sdk\">
    <uses-sdk android:minSdkVersion=\"$platform\" />
    <uses-permission android:name=\"android.permission.INTERNET\" />
</manifest>"
if $dry_run; then
    echo "write $work/aar/AndroidManifest.xml (minSdkVersion $platform, INTERNET) and an empty $work/aar/R.txt"
else
    printf '%s\n' "$manifest" > "$work/aar/AndroidManifest.xml"
    : > "$work/aar/R.txt"
fi

# 4. The AAR: a zip of that directory.
run rm -f "$out"
run jar --create --no-manifest --file "$out" -C "$work/aar" .
if ! $dry_run; then
    echo "$out:"
    jar tf "$out" | grep -v '/$' | sed 's/^/  /'
fi
