/* main.c - placeholder until the tally module lands (being written now). */
#include <stdio.h>
int main(void) { fputs("tally: not built yet\n", stderr); return 1; }
