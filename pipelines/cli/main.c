#include <stdio.h>
int main(void) { puts("obscura"); return 0; }
