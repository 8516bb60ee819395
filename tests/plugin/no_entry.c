/*
 * no_entry.c - a shared module without carid_plugin_entry: not a plugin.
 */
int no_entry_answer(void);

__attribute__((visibility("default"))) int
no_entry_answer(void)
{
    return 42;
}
