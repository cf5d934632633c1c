/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The modules this build of rudder carries, in order (see modules.c). */
#ifndef RUDDER_MODULES_H
#define RUDDER_MODULES_H

#include <stddef.h>

struct module;
extern const struct module *const rudder_modules[];
extern const size_t rudder_modules_count;

#endif
