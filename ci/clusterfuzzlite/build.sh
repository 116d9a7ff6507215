#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of dualoffline's fuzz targets.
#
# Every native Go fuzz target of fuzz/ is compiled into a libFuzzer binary
# with compile_native_go_fuzzer, and its committed seed corpus
# (fuzz/testdata/fuzz/<Name>/*) is packed next to it as
# $OUT/<Name>_seed_corpus.zip, the name ClusterFuzzLite looks for.
#
# TARGETS must list every Fuzz function of fuzz/: a Go test
# (fuzz/clusterfuzzlite_test.go) fails when one is missing or extra.

cd "$SRC/dualoffline"

# compile_native_go_fuzzer rewrites the targets' testing.F onto this
# package's libFuzzer harness, which must be in the module graph.
go get github.com/AdamKorcz/go-118-fuzz-build/testing

TARGETS=(
  FuzzAPDUCommand
  FuzzAPDUResponse
  FuzzTLV
  FuzzCoin
  FuzzSealedCoin
  FuzzSealedCoinString
  FuzzSealedCoinOpen
  FuzzCertificateGM
  FuzzCertificateINTL
  FuzzRevocationList
  FuzzPublicKey
  FuzzSignatureVerify
  FuzzSealOpen
  FuzzRecord
  FuzzHolding
  FuzzChipPayer
  FuzzChipPayee
)

for target in "${TARGETS[@]}"; do
  compile_native_go_fuzzer github.com/dualoffline/dualoffline/fuzz "$target" "$target"
  corpus="fuzz/testdata/fuzz/$target"
  if [ -d "$corpus" ] && [ -n "$(ls -A "$corpus")" ]; then
    zip -q -j "$OUT/${target}_seed_corpus.zip" "$corpus"/*
  fi
done
