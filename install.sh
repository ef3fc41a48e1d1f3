#!/bin/sh
# Isartor installer: curl -fsSL <release-url>/install.sh | sh
#
# Detects the OS and CPU, downloads the matching release archive and SHA256SUMS, verifies the
# checksum, and installs the binary (with the native files it needs beside it) under a prefix.
# Offline: ISARTOR_INSTALL_FROM=<bundle directory | bundle .tar.gz | release archive> installs
# from local files only, models included when the bundle carries them. Safe to run again.
#
# Options (or environment):
#   --prefix DIR        install under DIR (default ~/.isartor; bin/ and lib/ inside)   ISARTOR_PREFIX
#   --system            install under /usr/local (needs root)
#   --version V         release version (default: latest)                             ISARTOR_VERSION
#   --base-url URL      where release files live                                      ISARTOR_INSTALL_BASE_URL
#   --from PATH         offline: a bundle directory, bundle archive or release archive ISARTOR_INSTALL_FROM
#   --with-models LIST  after installing, fetch models (minilm, slm) with `isartor models pull`;
#                       from a bundle, its models/ directory is always installed
#   --models-dir DIR    model cache to fill (default ISARTOR_HF_CACHE_DIR or ~/.cache/isartor/models)
set -eu

PREFIX="${ISARTOR_PREFIX:-$HOME/.isartor}"
VERSION="${ISARTOR_VERSION:-latest}"
BASE_URL="${ISARTOR_INSTALL_BASE_URL:-https://github.com/isartor-ts/isartor/releases}"
FROM="${ISARTOR_INSTALL_FROM:-}"
WITH_MODELS=""
MODELS_DIR="${ISARTOR_HF_CACHE_DIR:-$HOME/.cache/isartor/models}"

say() { printf 'isartor-install: %s\n' "$*"; }
die() { printf 'isartor-install: error: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="${2:?--prefix needs a directory}"; shift 2 ;;
    --system) PREFIX=/usr/local; shift ;;
    --version) VERSION="${2:?--version needs a value}"; shift 2 ;;
    --base-url) BASE_URL="${2:?--base-url needs a URL}"; shift 2 ;;
    --from) FROM="${2:?--from needs a path}"; shift 2 ;;
    --with-models) WITH_MODELS="${2:?--with-models needs a list, e.g. minilm,slm}"; shift 2 ;;
    --models-dir) MODELS_DIR="${2:?--models-dir needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" 2>/dev/null | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

os=$(uname -s)
case "$os" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) die "unsupported OS '$os' (Linux and macOS; on Windows use install.ps1)" ;;
esac
arch=$(uname -m)
case "$arch" in
  x86_64|amd64) arch=x64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) die "unsupported CPU '$arch' (x86_64 and arm64/aarch64, e.g. Raspberry Pi 4/5 with a 64-bit OS)" ;;
esac
target="$os-$arch"

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d' ' -f1
  else die "neither sha256sum nor shasum is available to verify the download"; fi
}

fetch() { # url dest
  if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then wget -q -O "$2" "$1"
  else die "curl or wget is needed to download $1 (or install offline with ISARTOR_INSTALL_FROM)"; fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/isartor-install.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# Find (or fetch) the release archive for this target and the SHA256SUMS that covers it.
src_dir=""
if [ -n "$FROM" ]; then
  [ -e "$FROM" ] || die "ISARTOR_INSTALL_FROM: $FROM does not exist"
  if [ -d "$FROM" ]; then
    src_dir=$FROM
  else
    case "$FROM" in
      *isartor-bundle-*.tar.gz|*isartor-bundle-*.tgz)
        mkdir "$work/bundle"
        tar -xzf "$FROM" -C "$work/bundle" || die "cannot unpack the bundle $FROM"
        src_dir=$(find "$work/bundle" -name SHA256SUMS -print | head -n 1 | xargs dirname 2>/dev/null || true)
        [ -n "$src_dir" ] || die "the bundle $FROM has no SHA256SUMS"
        ;;
      *.tar.gz|*.tgz) src_dir=$(cd "$(dirname "$FROM")" && pwd) ;;
      *) die "ISARTOR_INSTALL_FROM must be a directory, an isartor-bundle-*.tar.gz or a release .tar.gz" ;;
    esac
  fi
  [ -f "$src_dir/SHA256SUMS" ] || die "no SHA256SUMS in $src_dir: refusing to install unverified files"
  archive_name=$(sed -n "s/^[0-9a-f]\{64\}  *\(isartor-.*-$target\.tar\.gz\)$/\1/p" "$src_dir/SHA256SUMS" | head -n 1)
  [ -n "$archive_name" ] || die "$src_dir has no release for $target (see its SHA256SUMS)"
  cp "$src_dir/SHA256SUMS" "$work/SHA256SUMS"
  cp "$src_dir/$archive_name" "$work/$archive_name" 2>/dev/null || die "$src_dir/$archive_name is missing"
  say "installing offline from $src_dir"
else
  if [ "$VERSION" = latest ]; then rel="$BASE_URL/latest/download"; else rel="$BASE_URL/download/v${VERSION#v}"; fi
  say "downloading the $target release from $rel"
  fetch "$rel/SHA256SUMS" "$work/SHA256SUMS" || die "cannot download $rel/SHA256SUMS"
  archive_name=$(sed -n "s/^[0-9a-f]\{64\}  *\(isartor-.*-$target\.tar\.gz\)$/\1/p" "$work/SHA256SUMS" | head -n 1)
  [ -n "$archive_name" ] || die "release $VERSION has no build for $target"
  fetch "$rel/$archive_name" "$work/$archive_name" || die "cannot download $rel/$archive_name"
fi

expected=$(sed -n "s/^\([0-9a-f]\{64\}\)  *$archive_name$/\1/p" "$work/SHA256SUMS" | head -n 1)
actual=$(sha256_of "$work/$archive_name")
if [ "$expected" != "$actual" ]; then
  die "checksum mismatch for $archive_name: SHA256SUMS says $expected, the file has $actual — nothing was installed"
fi
say "checksum OK ($archive_name)"

mkdir "$work/unpacked"
tar -xzf "$work/$archive_name" -C "$work/unpacked" || die "cannot unpack $archive_name"
unpacked=$(find "$work/unpacked" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -x "$unpacked/isartor" ] || die "$archive_name holds no isartor binary"

# Replace lib/isartor as a whole (native companions must match the binary), then link bin/isartor.
mkdir -p "$PREFIX/bin" "$PREFIX/lib" || die "cannot create $PREFIX (use --prefix, or run as root for --system)"
rm -rf "$PREFIX/lib/isartor.new"
cp -R "$unpacked" "$PREFIX/lib/isartor.new"
rm -rf "$PREFIX/lib/isartor.old"
[ -d "$PREFIX/lib/isartor" ] && mv "$PREFIX/lib/isartor" "$PREFIX/lib/isartor.old"
mv "$PREFIX/lib/isartor.new" "$PREFIX/lib/isartor"
rm -rf "$PREFIX/lib/isartor.old"
ln -sf "../lib/isartor/isartor" "$PREFIX/bin/isartor"
installed_version=$("$PREFIX/bin/isartor" --version 2>/dev/null || echo "isartor (version unknown)")
say "installed $installed_version to $PREFIX/lib/isartor, linked from $PREFIX/bin/isartor"

# Models shipped in a bundle go into the model cache; others can be pulled when online.
if [ -n "$src_dir" ] && [ -d "$src_dir/models" ]; then
  mkdir -p "$MODELS_DIR"
  cp -R "$src_dir/models/." "$MODELS_DIR/"
  say "installed bundled models into $MODELS_DIR"
  "$PREFIX/bin/isartor" models verify >/dev/null 2>&1 && say "models verified (SHA-256)" || say "warning: \`isartor models verify\` reported a problem"
fi
if [ -n "$WITH_MODELS" ]; then
  for m in $(printf '%s' "$WITH_MODELS" | tr ',' ' '); do
    case "$m" in
      minilm) ISARTOR_HF_CACHE_DIR="$MODELS_DIR" "$PREFIX/bin/isartor" models pull || say "warning: could not pull $m" ;;
      slm|gguf) ISARTOR_HF_CACHE_DIR="$MODELS_DIR" "$PREFIX/bin/isartor" models pull slm || say "warning: could not pull $m" ;;
      *) say "warning: unknown model '$m' (minilm, slm)" ;;
    esac
  done
fi

case ":$PATH:" in
  *":$PREFIX/bin:"*) ;;
  *) say "add it to your PATH:  export PATH=\"$PREFIX/bin:\$PATH\"" ;;
esac
say "start it:  isartor up        (or: isartor setup, then isartor up --detach)"
