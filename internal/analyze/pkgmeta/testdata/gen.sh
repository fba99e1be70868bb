#!/bin/bash
# Regenerates the pkgmeta fixtures: hostile package.json variants and the
# package containers the end-to-end tests inspect. Needs the Debian packages
# dpkg (dpkg-deb), rpm (rpmbuild), python3, tar and gzip. The hand-written
# fixtures (the other npm-*.json, *.py, *.cfg, *.toml, *.pth, METADATA,
# PKG-INFO, gomod.txt: a go.mod here would make testdata a module of its
# own) are committed as they are; this script only builds from them.
# Run from anywhere; writes next to this script.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
export LC_ALL=C TZ=UTC
cd "$work"

# Hostile JSON: nesting past the 64-level cap, and a 60 KB install command
# (clipped to 1 KiB in the facts).
python3 - "$here" <<'EOF'
import json, sys
here = sys.argv[1]
with open(f"{here}/npm-deep.json", "w") as f:
    f.write('{"name":"deep","x":' + "[" * 100 + "]" * 100 + "}\n")
with open(f"{here}/npm-hugestr.json", "w") as f:
    json.dump({"name": "huge", "version": "1.0.0",
               "scripts": {"postinstall": "node -e \"" + "A" * 60000 + "\""}}, f)
    f.write("\n")
EOF

# npm: the package's manifest with a postinstall, a bundled dependency with
# its own install script, and a test fixture manifest that is not JSON.
mkdir -p npm/package/node_modules/left-pad npm/package/test/fixtures
cp "$here/npm-basic.json" npm/package/package.json
mkdir -p npm/package/scripts
printf 'console.log("inert fixture");\n' > npm/package/scripts/install.js
printf '{"name":"left-pad","version":"1.3.0","scripts":{"install":"node build.js"}}\n' > npm/package/node_modules/left-pad/package.json
printf '{"name": "broken", \n' > npm/package/test/fixtures/package.json
(cd npm && tar --sort=name --mtime=@$SOURCE_DATE_EPOCH --owner=0 --group=0 --numeric-owner -cf - package) | gzip -n -9 > "$here/hooky-1.0.0.tgz"

# Python sdist: PKG-INFO, setup.py with cmdclass, setup.cfg, pyproject.toml.
mkdir -p sdist/hooky-1.0
cp "$here/PKG-INFO" "$here/setup.cfg" "$here/pyproject.toml" sdist/hooky-1.0/
cp "$here/setup-cmdclass.py" sdist/hooky-1.0/setup.py
(cd sdist && tar --sort=name --mtime=@$SOURCE_DATE_EPOCH --owner=0 --group=0 --numeric-owner -cf - hooky-1.0) | gzip -n -9 > "$here/hooky-1.0.tar.gz"

# Python wheel: METADATA and a .pth that imports at startup.
python3 - "$here" <<'EOF'
import sys, zipfile
here = sys.argv[1]
with zipfile.ZipFile(f"{here}/hooky-1.0-py3-none-any.whl", "w", zipfile.ZIP_DEFLATED) as z:
    def add(name, data):
        zi = zipfile.ZipInfo(name, (2023, 11, 14, 22, 13, 20))
        zi.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(zi, data)
    add("hooky/__init__.py", "VERSION = '1.0'\n")
    add("hooky.pth", open(f"{here}/startup.pth").read())
    add("hooky-1.0.dist-info/METADATA", open(f"{here}/METADATA").read())
    add("hooky-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    add("hooky-1.0.dist-info/RECORD", "")
EOF

# deb: maintainer scripts, a folded Depends and a Pre-Depends.
mkdir -p deb/DEBIAN deb/usr/share/doc/hooky
cat > deb/DEBIAN/control <<'EOF'
Package: hooky
Version: 1.0-1
Architecture: all
Maintainer: Vouch Test <test@example.com>
Pre-Depends: dpkg (>= 1.17.5)
Depends: libc6 (>= 2.34), bash:any | dash,
 python3 (<< 3.13)
Description: test fixture for vouch
 Maintainer scripts that only echo.
EOF
printf '#!/bin/sh\nset -e\necho configured hooky\n' > deb/DEBIAN/postinst
printf '#!/bin/sh\nset -e\necho removing hooky\n' > deb/DEBIAN/prerm
printf 'hooky is a test fixture.\n' > deb/usr/share/doc/hooky/README
chmod 755 deb/DEBIAN/postinst deb/DEBIAN/prerm
chmod 644 deb/DEBIAN/control deb/usr/share/doc/hooky/README
find deb -exec touch -h -d @$SOURCE_DATE_EPOCH {} +
dpkg-deb --root-owner-group -Zxz -b deb "$here/hooky_1.0-1_all.deb" >/dev/null

# rpm: Requires and two scriptlets.
mkdir -p rpm/{BUILD,RPMS,SOURCES,SPECS,SRPMS}
cat > rpm/SPECS/hooky.spec <<'EOF'
Name: hooky
Version: 1.0
Release: 1
Summary: test fixture for vouch
License: MIT
BuildArch: noarch
Requires: bash >= 4.0
%global debug_package %{nil}
%define __os_install_post %{nil}
%define _build_id_links none

%description
Scriptlets that only echo.

%install
mkdir -p %{buildroot}/usr/share/hooky
printf 'hooky is a test fixture.\n' > %{buildroot}/usr/share/hooky/README

%post
echo "post-install $1"

%preun
echo "pre-uninstall $1"

%files
/usr/share/hooky/README
EOF
rpmbuild --quiet --define "_topdir $work/rpm" --define "_binary_payload w9.gzdio" \
	--define "use_source_date_epoch_as_buildtime 1" --define "clamp_mtime_to_source_date_epoch 1" \
	-bb rpm/SPECS/hooky.spec >/dev/null 2>&1
cp rpm/RPMS/noarch/hooky-1.0-1.noarch.rpm "$here/"
