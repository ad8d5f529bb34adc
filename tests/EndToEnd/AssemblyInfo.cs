using Xunit.Sdk;
using Xunit.v3;

// End-to-end tests start real recorder and sipp processes on a 2-core machine: one at a time keeps timing sane.
[assembly: Parallelization(Mode = ParallelMode.None)]
