/* One EPANET toolkit run, for instruction counting (scripts/instructions.sh):
 * EN_open outside, then EN_openH, EN_initH(0), the EN_runH/EN_nextH loop and
 * EN_closeH inside the function `hydraulics`, which callgrind is told to count.
 * usage: epanet_hydraulics LIBEPANET.so NET.inp */
#include <dlfcn.h>
#include <stdio.h>

typedef int (*project_fn)(void *);
typedef int (*init_fn)(void *, int);
typedef int (*step_fn)(void *, long *);

/* Not inlined: callgrind counts this function and what it calls. */
__attribute__((noinline)) int hydraulics(void *lib, void *ph) {
    project_fn open_h = (project_fn)dlsym(lib, "EN_openH");
    init_fn init_h = (init_fn)dlsym(lib, "EN_initH");
    step_fn run_h = (step_fn)dlsym(lib, "EN_runH");
    step_fn next_h = (step_fn)dlsym(lib, "EN_nextH");
    project_fn close_h = (project_fn)dlsym(lib, "EN_closeH");
    long t = 0, step = 0;
    int err = open_h(ph);
    if (!err) err = init_h(ph, 0);
    while (!err || err < 100) {
        err = run_h(ph, &t);
        if (err > 100) break;
        err = next_h(ph, &step);
        if (err > 100 || step <= 0) break;
    }
    close_h(ph);
    return err > 100 ? err : 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s LIBEPANET.so NET.inp\n", argv[0]);
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) {
        fprintf(stderr, "%s\n", dlerror());
        return 2;
    }
    int (*create)(void **) = (int (*)(void **))dlsym(lib, "EN_createproject");
    int (*open)(void *, const char *, const char *, const char *) =
        (int (*)(void *, const char *, const char *, const char *))dlsym(lib, "EN_open");
    void *ph = NULL;
    if (!create || !open || create(&ph) || open(ph, argv[2], "/dev/null", "") > 100) {
        fprintf(stderr, "EPANET cannot open %s\n", argv[2]);
        return 1;
    }
    int err = hydraulics(lib, ph);
    if (err) fprintf(stderr, "EPANET error %d\n", err);
    return err ? 1 : 0;
}
