/* GMSK pulse shapes for AIS (BT = 0.4, modulation index h = 0.5); private to dsp. */
#ifndef CENTINELA_GMSK_PULSE_H
#define CENTINELA_GMSK_PULSE_H

#define GMSK_BT 0.4
/* The phase pulse is tabulated over [-GMSK_SPAN/2, +GMSK_SPAN/2] bit periods around the bit
 * centre (beyond that the Gaussian frequency pulse is below 1e-6 of its peak). */
#define GMSK_SPAN 4
#define GMSK_TABLE_RES 256 /* table points per bit period */

/* Normalised phase pulse p(t): 0 before the bit, 1 after it; t in bit periods from the bit
 * centre.  The burst phase is phi(t) = pi/2 * sum_k level_k * p(t - (k + 0.5)). */
double gmsk_phase_pulse(double t_bits);
/* Laurent's main pulse C0 for h = 1/2 and the pulse truncated to GMSK_SPAN bits, t in bit
 * periods; support [0, GMSK_SPAN + 1]. */
double gmsk_laurent_c0(double t_bits);

#endif
