#!/usr/bin/env bash
# Install the external tools the end-to-end tests drive: standalone kustomize 5.x.
#
# kubectl (embedded kustomize) and kpt come with the machine image. Standalone kustomize does not: it comes
# from Debian trixie's package (it needs only libc6 >= 2.34, so it runs on bookworm), with trixie pinned at
# priority 100 so that nothing else is ever upgraded from it. Idempotent: a kustomize 5.x already on PATH
# (one that can run exec KRM functions) is kept, and the apt source and pin are rewritten only when they differ.
#
# Usage: scripts/install-tools.sh        (as root, or with sudo available)
set -euo pipefail

# The tests need exec KRM functions (`kustomize build --enable-exec`, kustomize >= 4.3). Ask the binary
# what it can do rather than parse its version: Debian's build reports "(devel)".
have_kustomize() {
    command -v kustomize >/dev/null 2>&1 || return 1
    local help  # captured, not piped into `grep -q`: under pipefail an early grep exit can fail the pipe
    help=$(kustomize build --help 2>/dev/null) || return 1
    [[ $help == *--enable-exec* ]]
}

describe_kustomize() {
    local version
    version=$(dpkg-query -W -f='${Version}' kustomize 2>/dev/null || kustomize version 2>/dev/null || echo unknown)
    echo "kustomize $version at $(command -v kustomize)"
}

if have_kustomize; then
    echo "install-tools: already installed: $(describe_kustomize)"
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-tools: need root or sudo to install kustomize with apt-get" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-tools: apt-get not found; install kustomize 5.x by other means" \
        "(https://kubectl.docs.kubernetes.io/installation/kustomize/)" >&2
    exit 1
fi

# write_if_changed FILE CONTENT: leave the file alone when it already says exactly this.
write_if_changed() {
    local file=$1 content=$2
    if [[ -f $file ]] && [[ $(cat "$file") == "$content" ]]; then
        return 0
    fi
    printf '%s\n' "$content" | "${SUDO[@]}" tee "$file" >/dev/null
}

write_if_changed /etc/apt/sources.list.d/debian-trixie.sources "Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"

# Priority 100 (below the default 500): trixie packages are installed only when asked for by name and
# nothing installed from bookworm is ever upgraded from trixie.
write_if_changed /etc/apt/preferences.d/debian-trixie-low "Package: *
Pin: release n=trixie
Pin-Priority: 100"

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends kustomize

if ! have_kustomize; then
    echo "install-tools: kustomize with --enable-exec is still not on PATH after apt-get install" >&2
    exit 1
fi
echo "install-tools: installed $(describe_kustomize)"
