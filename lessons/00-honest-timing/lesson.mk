# lessons/00-honest-timing/lesson.mk - what lesson 00 asks of the Makefile.
#
# Step 5 of the demo starts bench/tools/copyloop, so lesson-00 builds it too.
# asm-00 compiles the demo to assembly with the same CC and CFLAGS and prints,
# for the "copy nobody reads" and for the same copy behind escape(), the
# calls, jumps and returns: only the second still calls memcpy.

L00    := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
ASM_00  = $(BUILD)/asm/$(L00)/00-honest-timing.s

lesson-00: $(BUILD)/bench/tools/copyloop

$(ASM_00): CPPFLAGS += -DLESSON_ID='"$(notdir $(L00))"'
$(ASM_00): $(L00)/00-honest-timing.c
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -MMD -MP,$(CPPFLAGS)) $(ALL_CFLAGS) -g0 \
		-fno-asynchronous-unwind-tables -S -o $@ $<

.PHONY: asm-00
asm-00: $(ASM_00) ## lesson 00: what the compiler made of the copy nobody reads
	@printf '%s %s, %s\n' "$(CC)" "$(CFLAGS)" "$<"
	@awk '/^(copy_nobody_reads|copy_kept):/ { f = $$1; print "\n" f; next } \
	      f && /^[ \t]*\.size/ { f = "" } \
	      f && /^\t(call|jmp)[a-z]*\t[^.]|^\tret/ { print "   " $$0 }' $<
