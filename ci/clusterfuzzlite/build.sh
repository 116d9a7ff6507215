#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of dualoffline's fuzz targets.
#
# Every native Go fuzz target of the packages under fuzz/ is compiled into
# a libFuzzer binary with compile_native_go_fuzzer, from its own package,
# and its committed seed corpus (<package>/testdata/fuzz/<Name>/*) is
# packed next to it as $OUT/<Name>_seed_corpus.zip, the name
# ClusterFuzzLite looks for. Target names are unique across packages: they
# name the binaries.
#
# TARGETS must list every Fuzz function under fuzz/, each with the package
# it is in: a Go test (fuzz/clusterfuzzlite_test.go) fails when one is
# missing, extra or listed under the wrong package.

cd "$SRC/dualoffline"

# compile_native_go_fuzzer rewrites the targets' testing.F onto this
# package's libFuzzer harness, which must be in the module graph.
go get github.com/AdamKorcz/go-118-fuzz-build/testing

# "package target", the package relative to the module root. The packages
# are split by what they link, so that each binary's coverage map holds
# only the code its targets reach.
TARGETS=(
  "fuzz/apdu FuzzAPDUCommand"
  "fuzz/apdu FuzzAPDUResponse"
  "fuzz/apdu FuzzTLV"
  "fuzz FuzzCoin"
  "fuzz FuzzSealedCoin"
  "fuzz FuzzSealedCoinString"
  "fuzz FuzzSealedCoinOpen"
  "fuzz FuzzCertificateGM"
  "fuzz FuzzCertificateINTL"
  "fuzz FuzzRevocationList"
  "fuzz FuzzPublicKey"
  "fuzz FuzzSignatureVerify"
  "fuzz FuzzSealOpen"
  "fuzz/transfer FuzzRecord"
  "fuzz/transfer FuzzHolding"
  "fuzz/chip FuzzChipPayer"
  "fuzz/chip FuzzChipPayee"
)

for entry in "${TARGETS[@]}"; do
  read -r pkg target <<<"$entry"
  compile_native_go_fuzzer "github.com/dualoffline/dualoffline/$pkg" "$target" "$target"
  corpus="$pkg/testdata/fuzz/$target"
  if [ -d "$corpus" ] && [ -n "$(ls -A "$corpus")" ]; then
    zip -q -j "$OUT/${target}_seed_corpus.zip" "$corpus"/*
  fi
done
