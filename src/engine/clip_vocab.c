/* clip_vocab.c - CLIP's BPE vocabulary (data/clip/bpe_simple_vocab_16e6.txt.gz,
 * see data/clip/README.md) built into the library with the assembler's
 * .incbin, so the binary never has to find the file at run time: an
 * installed longsd, the build tree and the tests read the same bytes. The
 * Makefile makes this object depend on the .gz (the compiler cannot see it). */
__asm__(".section .rodata\n"
        ".global longsd__clip_vocab_gz\n"
        ".global longsd__clip_vocab_gz_end\n"
        ".balign 16\n"
        "longsd__clip_vocab_gz:\n"
        ".incbin \"data/clip/bpe_simple_vocab_16e6.txt.gz\"\n"
        "longsd__clip_vocab_gz_end:\n"
        ".byte 0\n"
        ".previous\n");
