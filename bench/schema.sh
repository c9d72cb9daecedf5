# bench/schema.sh - the CSV's header for shell and awk: `. bench/schema.sh`.
#
# The shell's one definition of the schema of bench/harness.h
# (BENCH_CSV_HEADER); tests/test_schema checks that the two agree. An awk
# program gets it with -v header="$BENCH_CSV_HEADER" and finds its columns
# by name: split(header, name, ","); for (i in name) col[name[i]] = i.
BENCH_CSV_HEADER='bench,variant,size_bytes,param,samples,iters,min_ns,p25_ns,median_ns,p75_ns,max_ns,cv,gbps,extra_bytes,minflt'
