/* A toolkit client against EPANET's legacy API (epanet2.h: ENopen..., floats), as
 * older programs are: one whole-period hydraulic run reporting heads and flows at each
 * step, then a water quality run. Usage: legacy NETWORK.inp REPORT.rpt */
#include <stdio.h>
#include "epanet2.h"

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s NETWORK.inp REPORT.rpt\n", argv[0]);
        return 2;
    }
    int nodes, links, err;
    long t, tstep;
    float value;
    char msg[256];
    if ((err = ENopen(argv[1], argv[2], "")) > 100) {
        ENgeterror(err, msg, 255);
        printf("ENopen -> %d: %s\n", err, msg);
        return 1;
    }
    ENgetcount(EN_NODECOUNT, &nodes);
    ENgetcount(EN_LINKCOUNT, &links);
    printf("nodes %d links %d\n", nodes, links);
    ENopenH();
    ENinitH(0);
    do {
        ENrunH(&t);
        printf("t=%ld\n", t);
        for (int i = 1; i <= nodes; i++) {
            ENgetnodevalue(i, EN_HEAD, &value);
            printf(" node %d head %.6g\n", i, value);
        }
        for (int i = 1; i <= links; i++) {
            ENgetlinkvalue(i, EN_FLOW, &value);
            printf(" link %d flow %.6g\n", i, value);
        }
        ENnextH(&tstep);
    } while (tstep > 0);
    ENcloseH();
    ENsolveH();
    ENsolveQ();
    for (int i = 1; i <= nodes; i++) {
        ENgetnodevalue(i, EN_QUALITY, &value);
        printf("quality node %d %.6g\n", i, value);
    }
    err = ENgetnodevalue(nodes + 1, EN_HEAD, &value);
    ENgeterror(err, msg, 255);
    printf("out of range -> %d: %s\n", err, msg);
    ENclose();
    return 0;
}
