/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The modules of this build, in the order their migrations, routes,
 * navigation and demo data are applied. A module is added here and
 * nowhere else: the platform knows modules only through this list.
 */
#include "modules.h"
#include "congress/congress.h"
#include "members/members.h"
#include "platform/platform.h"
#include "votes/votes.h"

const struct module *const rudder_modules[] = {&members_module,
						&congress_module, &votes_module};
const size_t rudder_modules_count = ARRAY_LEN(rudder_modules);
