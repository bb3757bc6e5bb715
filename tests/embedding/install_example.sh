#!/bin/bash
# Installs the build (cmake --install) into a staging prefix, moves the installed tree elsewhere
# (the package files must not depend on where they were installed), and builds the worked
# example (tests/example, copied out of the source tree) against it twice:
#   WORK/app-cmake/app     CMake: find_package(smoothnmf) with -DCMAKE_PREFIX_PATH
#   WORK/app-pkgconfig     mpicc app.c $(pkg-config --cflags --libs smoothnmf)
# usage: install_example.sh BUILD_DIR SOURCE_DIR WORK
set -eu
build=$1; src=$2; work=$3
fail() { echo "FAILED: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/staging" > "$work/install.log"
mv "$work/staging" "$work/prefix"
prefix=$work/prefix
for f in lib/libsmoothnmf.a include/smoothnmf.h include/smoothnmf_io.h bin/smoothnmf \
         lib/cmake/smoothnmf/smoothnmfConfig.cmake lib/cmake/smoothnmf/smoothnmfConfigVersion.cmake \
         lib/cmake/smoothnmf/smoothnmfTargets.cmake lib/pkgconfig/smoothnmf.pc; do
  [ -e "$prefix/$f" ] || fail "$f is not installed"
done
# relocatable: no path of the build machine's trees in the package files
if grep -rl -e "$build" -e "$src" -e "$work/staging" "$prefix/lib/cmake" "$prefix/lib/pkgconfig"; then
  fail "the package files above name the build, source or staging directory"
fi
grep -q 'smoothnmf::smoothnmf' "$prefix/lib/cmake/smoothnmf/smoothnmfTargets.cmake" || fail "no imported target smoothnmf::smoothnmf"

# CMake: find_package(smoothnmf)
cp -r "$src/tests/example" "$work/example"
cmake -S "$work/example" -B "$work/app-cmake" -DCMAKE_PREFIX_PATH="$prefix" > "$work/cmake-configure.log" || { cat "$work/cmake-configure.log"; fail "configuring the example with find_package(smoothnmf)"; }
cmake --build "$work/app-cmake" > "$work/cmake-build.log" 2>&1 || { cat "$work/cmake-build.log"; fail "building the example with CMake"; }
[ -x "$work/app-cmake/app" ] || fail "no example built by CMake"

# pkg-config
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
[ "$(pkg-config --modversion smoothnmf)" = "$(sed -n 's/^Version: //p' "$prefix/lib/pkgconfig/smoothnmf.pc")" ] || fail "pkg-config does not find smoothnmf"
flags=$(pkg-config --cflags --libs smoothnmf)
# the -I and -L of smoothnmf resolve to the moved prefix
inc=no lib=no
for f in $flags; do
  case "$f" in
    -I*) [ -d "${f#-I}" ] && [ "$(cd "${f#-I}" && pwd -P)" = "$(cd "$prefix/include" && pwd -P)" ] && inc=yes ;;
    -L*) [ -d "${f#-L}" ] && [ "$(cd "${f#-L}" && pwd -P)" = "$(cd "$prefix/lib" && pwd -P)" ] && lib=yes ;;
  esac
done
[ $inc = yes ] && [ $lib = yes ] || fail "pkg-config's flags do not point at $prefix/include and $prefix/lib: $flags"
# shellcheck disable=SC2086
"${MPICC:-mpicc}" "$work/example/app.c" $flags -o "$work/app-pkgconfig" || fail "building the example with pkg-config ($flags)"
# the Python package, installed beside the library, imports and fits from the moved prefix
py=${PYTHON:-/usr/bin/python3}
if [ -f "$build/python/smoothnmf/__init__.py" ]; then
  pydir=$prefix/$(sed -n 's/^SMOOTHNMF_PYTHON_INSTALL_DIR:STRING=//p' "$build/CMakeCache.txt")
  [ -f "$pydir/smoothnmf/__init__.py" ] && ls "$pydir"/smoothnmf/_core*.so > /dev/null || fail "the Python package is not installed in $pydir"
  (cd "$work" && PYTHONPATH=$pydir "$py" -c "
import numpy as np, smoothnmf
assert smoothnmf.__file__.startswith('$pydir'), smoothnmf.__file__
est = smoothnmf.SmoothNMF(n_components=2, max_iter=5, verbose=0, hspy_comp=True, shape_2d=(4, 5))
est.fit(np.random.default_rng(0).poisson(3.0, size=(20, 8)))
assert est.n_iter_ == 5
print('the installed Python package', smoothnmf.__version__, 'fits from', smoothnmf.__file__)
") || fail "the installed Python package does not import or fit"
fi
echo "installed into $prefix; example built with find_package ($work/app-cmake/app) and pkg-config ($work/app-pkgconfig: $flags)"
