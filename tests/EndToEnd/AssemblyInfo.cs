// End-to-end tests start real recorder and sipp processes on a 2-core machine: one at a time keeps timing sane.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
