/*
 * bad_abi.c - a plugin built for another ABI version: carid must refuse it
 * before calling anything in it.
 */
#include "carid_plugin.h"

static const struct carid_plugin bad_abi_plugin = {
    .abi = CARID_PLUGIN_ABI + 1,
    .name = "bad_abi",
    .version = "0",
};

const struct carid_plugin *
carid_plugin_entry(void)
{
    return &bad_abi_plugin;
}
