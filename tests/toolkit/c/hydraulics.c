/* A toolkit client written against EPANET 2.2's project API (epanet2_2.h), as users
 * write them: open a network, step hydraulics printing every node's head and every
 * link's flow at each step, run quality, read and change properties, re-solve, and
 * print error texts. Linked with Oasis's libepanet2.so and with EPANET 2.2's
 * libepanet.so, its output must be the same.
 * Usage: hydraulics NETWORK.inp REPORT.rpt */
#include <stdio.h>
#include <stdlib.h>
#include "epanet2_2.h"

static EN_Project ph;

/* Print a failed call's code and EPANET's text for it; go on unless it is fatal. */
static int check(int code, const char *call) {
    if (code != 0) {
        char msg[EN_MAXMSG + 1];
        EN_geterror(code, msg, EN_MAXMSG);
        printf("%s -> %d: %s\n", call, code, msg);
    }
    return code;
}
#define CHECK(call) check(call, #call)

static void step_hydraulics(void) {
    int nodes, links;
    long t, tstep;
    EN_getcount(ph, EN_NODECOUNT, &nodes);
    EN_getcount(ph, EN_LINKCOUNT, &links);
    if (CHECK(EN_openH(ph)) > 100) return;
    CHECK(EN_initH(ph, EN_NOSAVE));
    do {
        if (CHECK(EN_runH(ph, &t)) > 100) break;
        printf("t=%ld\n", t);
        for (int i = 1; i <= nodes; i++) {
            double head, demand;
            EN_getnodevalue(ph, i, EN_HEAD, &head);
            EN_getnodevalue(ph, i, EN_DEMAND, &demand);
            printf(" node %d head %.6g demand %.6g\n", i, head, demand);
        }
        for (int i = 1; i <= links; i++) {
            double flow, status;
            EN_getlinkvalue(ph, i, EN_FLOW, &flow);
            EN_getlinkvalue(ph, i, EN_STATUS, &status);
            printf(" link %d flow %.6g status %g\n", i, flow, status);
        }
        if (CHECK(EN_nextH(ph, &tstep)) > 100) break;
    } while (tstep > 0);
    CHECK(EN_closeH(ph));
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s NETWORK.inp REPORT.rpt\n", argv[0]);
        return 2;
    }
    int version, nodes, links, patterns, controls, type;
    char id[EN_MAXID + 1];
    double value;
    EN_getversion(&version);
    printf("version %d\n", version);
    EN_createproject(&ph);
    if (CHECK(EN_open(ph, argv[1], argv[2], "")) > 100) return 1;
    EN_getcount(ph, EN_NODECOUNT, &nodes);
    EN_getcount(ph, EN_LINKCOUNT, &links);
    EN_getcount(ph, EN_PATCOUNT, &patterns);
    EN_getcount(ph, EN_CONTROLCOUNT, &controls);
    printf("nodes %d links %d patterns %d controls %d\n", nodes, links, patterns, controls);
    for (int i = 1; i <= nodes; i++) {
        EN_getnodeid(ph, i, id);
        EN_getnodetype(ph, i, &type);
        EN_getnodevalue(ph, i, EN_ELEVATION, &value);
        printf("node %d %s type %d elevation %.6g\n", i, id, type, value);
    }
    for (int i = 1; i <= links; i++) {
        int from, to;
        double diameter, length;
        EN_getlinkid(ph, i, id);
        EN_getlinktype(ph, i, &type);
        EN_getlinknodes(ph, i, &from, &to);
        EN_getlinkvalue(ph, i, EN_DIAMETER, &diameter);
        EN_getlinkvalue(ph, i, EN_LENGTH, &length);
        printf("link %d %s type %d %d-%d diameter %.6g length %.6g\n", i, id, type, from, to,
               diameter, length);
    }

    step_hydraulics();

    /* Quality over the whole period, then the final quality at each node. */
    if (CHECK(EN_solveH(ph)) <= 100 && CHECK(EN_solveQ(ph)) <= 100)
        for (int i = 1; i <= nodes; i++) {
            EN_getnodevalue(ph, i, EN_QUALITY, &value);
            printf("quality node %d %.6g\n", i, value);
        }

    /* Change the first junction's demand and close the first pipe; step again. */
    for (int i = 1; i <= nodes; i++) {
        EN_getnodetype(ph, i, &type);
        if (type == EN_JUNCTION) {
            EN_getnodevalue(ph, i, EN_BASEDEMAND, &value);
            CHECK(EN_setnodevalue(ph, i, EN_BASEDEMAND, 2 * value + 1));
            break;
        }
    }
    for (int i = 1; i <= links; i++) {
        EN_getlinktype(ph, i, &type);
        if (type == EN_PIPE) {
            CHECK(EN_setlinkvalue(ph, i, EN_INITSTATUS, EN_CLOSED));
            break;
        }
    }
    step_hydraulics();

    /* Bad calls: their codes and texts. */
    CHECK(EN_getnodevalue(ph, nodes + 1, EN_ELEVATION, &value));
    CHECK(EN_getlinkvalue(ph, 1, 999, &value));
    CHECK(EN_setlinkvalue(ph, 1, EN_DIAMETER, -1));
    CHECK(EN_getnodeindex(ph, "no-such-node", &type));
    long t;
    CHECK(EN_runH(ph, &t));

    CHECK(EN_close(ph));
    CHECK(EN_deleteproject(ph));
    return 0;
}
