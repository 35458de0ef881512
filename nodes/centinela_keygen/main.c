/* centinela_keygen: print a new CURVE key pair for a node, as config lines.
 *
 *   centinela_keygen > site1.keys
 * The secret key goes in that node's section (curve_secret_key); the public key goes in
 * curve_server_key of the nodes that connect to it, or in curve_allow of the node it connects to. */
#include <stdio.h>
#include <string.h>
#include <zmq.h>

int main(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: centinela_keygen\nPrints curve_public_key and curve_secret_key lines "
               "(Z85) for one node.\n");
        return 0;
    }
    if (argc > 1) {
        /* A mistyped option must not print keys as if it had been understood. */
        fprintf(stderr, "centinela_keygen: unknown argument '%s' (it takes none; see --help)\n",
                argv[1]);
        return 2;
    }
    if (!zmq_has("curve")) {
        fprintf(stderr, "centinela_keygen: this libzmq has no CURVE support\n");
        return 1;
    }
    char pub[41], sec[41];
    if (zmq_curve_keypair(pub, sec) != 0) {
        fprintf(stderr, "centinela_keygen: zmq_curve_keypair failed: %s\n", zmq_strerror(zmq_errno()));
        return 1;
    }
    printf("curve_public_key = %s\ncurve_secret_key = %s\n", pub, sec);
    return 0;
}
