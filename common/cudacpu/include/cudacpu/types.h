/// @file
/// @brief Plain CUDA runtime types for the cudacpu backend: `cudaError_t` (real values), enums, handles,
///        `cudaDeviceProp`, `dim3`/`uint3` and the vector types (`float4`, `int2`, ...) with CUDA's alignment.
#pragma once

#include <type_traits>
#include <cstddef>
#include <cstdint>

#include "defs.h"

/// Runtime error codes; the values are those of the CUDA 13 toolkit's driver_types.h, so printed numbers match.
enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInitializationError = 3,
  cudaErrorCudartUnloading = 4,
  cudaErrorProfilerDisabled = 5,
  cudaErrorProfilerNotInitialized = 6,
  cudaErrorProfilerAlreadyStarted = 7,
  cudaErrorProfilerAlreadyStopped = 8,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidPitchValue = 12,
  cudaErrorInvalidSymbol = 13,
  cudaErrorInvalidHostPointer = 16,
  cudaErrorInvalidDevicePointer = 17,
  cudaErrorInvalidTexture = 18,
  cudaErrorInvalidTextureBinding = 19,
  cudaErrorInvalidChannelDescriptor = 20,
  cudaErrorInvalidMemcpyDirection = 21,
  cudaErrorAddressOfConstant = 22,
  cudaErrorTextureFetchFailed = 23,
  cudaErrorTextureNotBound = 24,
  cudaErrorSynchronizationError = 25,
  cudaErrorInvalidFilterSetting = 26,
  cudaErrorInvalidNormSetting = 27,
  cudaErrorMixedDeviceExecution = 28,
  cudaErrorNotYetImplemented = 31,
  cudaErrorMemoryValueTooLarge = 32,
  cudaErrorStubLibrary = 34,
  cudaErrorInsufficientDriver = 35,
  cudaErrorCallRequiresNewerDriver = 36,
  cudaErrorInvalidSurface = 37,
  cudaErrorDuplicateVariableName = 43,
  cudaErrorDuplicateTextureName = 44,
  cudaErrorDuplicateSurfaceName = 45,
  cudaErrorDevicesUnavailable = 46,
  cudaErrorIncompatibleDriverContext = 49,
  cudaErrorMissingConfiguration = 52,
  cudaErrorPriorLaunchFailure = 53,
  cudaErrorLaunchMaxDepthExceeded = 65,
  cudaErrorLaunchFileScopedTex = 66,
  cudaErrorLaunchFileScopedSurf = 67,
  cudaErrorSyncDepthExceeded = 68,
  cudaErrorLaunchPendingCountExceeded = 69,
  cudaErrorInvalidDeviceFunction = 98,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorDeviceNotLicensed = 102,
  cudaErrorSoftwareValidityNotEstablished = 103,
  cudaErrorStartupFailure = 127,
  cudaErrorInvalidKernelImage = 200,
  cudaErrorDeviceUninitialized = 201,
  cudaErrorMapBufferObjectFailed = 205,
  cudaErrorUnmapBufferObjectFailed = 206,
  cudaErrorArrayIsMapped = 207,
  cudaErrorAlreadyMapped = 208,
  cudaErrorNoKernelImageForDevice = 209,
  cudaErrorAlreadyAcquired = 210,
  cudaErrorNotMapped = 211,
  cudaErrorNotMappedAsArray = 212,
  cudaErrorNotMappedAsPointer = 213,
  cudaErrorECCUncorrectable = 214,
  cudaErrorUnsupportedLimit = 215,
  cudaErrorDeviceAlreadyInUse = 216,
  cudaErrorPeerAccessUnsupported = 217,
  cudaErrorInvalidPtx = 218,
  cudaErrorInvalidGraphicsContext = 219,
  cudaErrorNvlinkUncorrectable = 220,
  cudaErrorJitCompilerNotFound = 221,
  cudaErrorUnsupportedPtxVersion = 222,
  cudaErrorJitCompilationDisabled = 223,
  cudaErrorUnsupportedExecAffinity = 224,
  cudaErrorUnsupportedDevSideSync = 225,
  cudaErrorContained = 226,
  cudaErrorInvalidSource = 300,
  cudaErrorFileNotFound = 301,
  cudaErrorSharedObjectSymbolNotFound = 302,
  cudaErrorSharedObjectInitFailed = 303,
  cudaErrorOperatingSystem = 304,
  cudaErrorInvalidResourceHandle = 400,
  cudaErrorIllegalState = 401,
  cudaErrorLossyQuery = 402,
  cudaErrorSymbolNotFound = 500,
  cudaErrorNotReady = 600,
  cudaErrorIllegalAddress = 700,
  cudaErrorLaunchOutOfResources = 701,
  cudaErrorLaunchTimeout = 702,
  cudaErrorLaunchIncompatibleTexturing = 703,
  cudaErrorPeerAccessAlreadyEnabled = 704,
  cudaErrorPeerAccessNotEnabled = 705,
  cudaErrorSetOnActiveProcess = 708,
  cudaErrorContextIsDestroyed = 709,
  cudaErrorAssert = 710,
  cudaErrorTooManyPeers = 711,
  cudaErrorHostMemoryAlreadyRegistered = 712,
  cudaErrorHostMemoryNotRegistered = 713,
  cudaErrorHardwareStackError = 714,
  cudaErrorIllegalInstruction = 715,
  cudaErrorMisalignedAddress = 716,
  cudaErrorInvalidAddressSpace = 717,
  cudaErrorInvalidPc = 718,
  cudaErrorLaunchFailure = 719,
  cudaErrorCooperativeLaunchTooLarge = 720,
  cudaErrorTensorMemoryLeak = 721,
  cudaErrorNotPermitted = 800,
  cudaErrorNotSupported = 801,
  cudaErrorSystemNotReady = 802,
  cudaErrorSystemDriverMismatch = 803,
  cudaErrorCompatNotSupportedOnDevice = 804,
  cudaErrorMpsConnectionFailed = 805,
  cudaErrorMpsRpcFailure = 806,
  cudaErrorMpsServerNotReady = 807,
  cudaErrorMpsMaxClientsReached = 808,
  cudaErrorMpsMaxConnectionsReached = 809,
  cudaErrorMpsClientTerminated = 810,
  cudaErrorCdpNotSupported = 811,
  cudaErrorCdpVersionMismatch = 812,
  cudaErrorStreamCaptureUnsupported = 900,
  cudaErrorStreamCaptureInvalidated = 901,
  cudaErrorStreamCaptureMerge = 902,
  cudaErrorStreamCaptureUnmatched = 903,
  cudaErrorStreamCaptureUnjoined = 904,
  cudaErrorStreamCaptureIsolation = 905,
  cudaErrorStreamCaptureImplicit = 906,
  cudaErrorCapturedEvent = 907,
  cudaErrorStreamCaptureWrongThread = 908,
  cudaErrorTimeout = 909,
  cudaErrorGraphExecUpdateFailure = 910,
  cudaErrorExternalDevice = 911,
  cudaErrorInvalidClusterSize = 912,
  cudaErrorFunctionNotLoaded = 913,
  cudaErrorInvalidResourceType = 914,
  cudaErrorInvalidResourceConfiguration = 915,
  cudaErrorUnknown = 999
};
/// CUDA's error type.
typedef enum cudaError cudaError_t;

/// Direction of a copy; `cudaMemcpyDefault` infers it from the pointers.
enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4
};

/// Kernel attributes accepted (and mostly ignored) by cudaFuncSetAttribute.
enum cudaFuncAttribute {
  cudaFuncAttributeMaxDynamicSharedMemorySize = 8,
  cudaFuncAttributePreferredSharedMemoryCarveout = 9,
  cudaFuncAttributeClusterDimMustBeSet = 10,
  cudaFuncAttributeRequiredClusterWidth = 11,
  cudaFuncAttributeRequiredClusterHeight = 12,
  cudaFuncAttributeRequiredClusterDepth = 13,
  cudaFuncAttributeNonPortableClusterSizeAllowed = 14,
  cudaFuncAttributeClusterSchedulingPolicyPreference = 15,
  cudaFuncAttributeMax
};

/// Cache configuration (accepted, no effect).
enum cudaFuncCache {
  cudaFuncCachePreferNone = 0,
  cudaFuncCachePreferShared = 1,
  cudaFuncCachePreferL1 = 2,
  cudaFuncCachePreferEqual = 3
};

/// The device attributes cudaDeviceGetAttribute answers (same values as the toolkit).
enum cudaDeviceAttr {
  cudaDevAttrMaxThreadsPerBlock = 1,
  cudaDevAttrMaxBlockDimX = 2,
  cudaDevAttrMaxBlockDimY = 3,
  cudaDevAttrMaxBlockDimZ = 4,
  cudaDevAttrMaxGridDimX = 5,
  cudaDevAttrMaxGridDimY = 6,
  cudaDevAttrMaxGridDimZ = 7,
  cudaDevAttrMaxSharedMemoryPerBlock = 8,
  cudaDevAttrTotalConstantMemory = 9,
  cudaDevAttrWarpSize = 10,
  cudaDevAttrMaxPitch = 11,
  cudaDevAttrMaxRegistersPerBlock = 12,
  cudaDevAttrClockRate = 13,
  cudaDevAttrTextureAlignment = 14,
  cudaDevAttrGpuOverlap = 15,
  cudaDevAttrMultiProcessorCount = 16,
  cudaDevAttrKernelExecTimeout = 17,
  cudaDevAttrIntegrated = 18,
  cudaDevAttrCanMapHostMemory = 19,
  cudaDevAttrComputeMode = 20,
  cudaDevAttrMaxTexture1DWidth = 21,
  cudaDevAttrMaxTexture2DWidth = 22,
  cudaDevAttrMaxTexture2DHeight = 23,
  cudaDevAttrMaxTexture3DWidth = 24,
  cudaDevAttrMaxTexture3DHeight = 25,
  cudaDevAttrMaxTexture3DDepth = 26,
  cudaDevAttrMaxTexture2DLayeredWidth = 27,
  cudaDevAttrMaxTexture2DLayeredHeight = 28,
  cudaDevAttrMaxTexture2DLayeredLayers = 29,
  cudaDevAttrSurfaceAlignment = 30,
  cudaDevAttrConcurrentKernels = 31,
  cudaDevAttrEccEnabled = 32,
  cudaDevAttrPciBusId = 33,
  cudaDevAttrPciDeviceId = 34,
  cudaDevAttrTccDriver = 35,
  cudaDevAttrMemoryClockRate = 36,
  cudaDevAttrGlobalMemoryBusWidth = 37,
  cudaDevAttrL2CacheSize = 38,
  cudaDevAttrMaxThreadsPerMultiProcessor = 39,
  cudaDevAttrAsyncEngineCount = 40,
  cudaDevAttrUnifiedAddressing = 41,
  cudaDevAttrMaxTexture1DLayeredWidth = 42,
  cudaDevAttrMaxTexture1DLayeredLayers = 43,
  cudaDevAttrMaxTexture2DGatherWidth = 45,
  cudaDevAttrMaxTexture2DGatherHeight = 46,
  cudaDevAttrMaxTexture3DWidthAlt = 47,
  cudaDevAttrMaxTexture3DHeightAlt = 48,
  cudaDevAttrMaxTexture3DDepthAlt = 49,
  cudaDevAttrPciDomainId = 50,
  cudaDevAttrTexturePitchAlignment = 51,
  cudaDevAttrMaxTextureCubemapWidth = 52,
  cudaDevAttrMaxTextureCubemapLayeredWidth = 53,
  cudaDevAttrMaxTextureCubemapLayeredLayers = 54,
  cudaDevAttrMaxSurface1DWidth = 55,
  cudaDevAttrMaxSurface2DWidth = 56,
  cudaDevAttrMaxSurface2DHeight = 57,
  cudaDevAttrMaxSurface3DWidth = 58,
  cudaDevAttrMaxSurface3DHeight = 59,
  cudaDevAttrMaxSurface3DDepth = 60,
  cudaDevAttrMaxSurface1DLayeredWidth = 61,
  cudaDevAttrMaxSurface1DLayeredLayers = 62,
  cudaDevAttrMaxSurface2DLayeredWidth = 63,
  cudaDevAttrMaxSurface2DLayeredHeight = 64,
  cudaDevAttrMaxSurface2DLayeredLayers = 65,
  cudaDevAttrMaxSurfaceCubemapWidth = 66,
  cudaDevAttrMaxSurfaceCubemapLayeredWidth = 67,
  cudaDevAttrMaxSurfaceCubemapLayeredLayers = 68,
  cudaDevAttrMaxTexture1DLinearWidth = 69,
  cudaDevAttrMaxTexture2DLinearWidth = 70,
  cudaDevAttrMaxTexture2DLinearHeight = 71,
  cudaDevAttrMaxTexture2DLinearPitch = 72,
  cudaDevAttrMaxTexture2DMipmappedWidth = 73,
  cudaDevAttrMaxTexture2DMipmappedHeight = 74,
  cudaDevAttrComputeCapabilityMajor = 75,
  cudaDevAttrComputeCapabilityMinor = 76,
  cudaDevAttrMaxTexture1DMipmappedWidth = 77,
  cudaDevAttrStreamPrioritiesSupported = 78,
  cudaDevAttrGlobalL1CacheSupported = 79,
  cudaDevAttrLocalL1CacheSupported = 80,
  cudaDevAttrMaxSharedMemoryPerMultiprocessor = 81,
  cudaDevAttrMaxRegistersPerMultiprocessor = 82,
  cudaDevAttrManagedMemory = 83,
  cudaDevAttrIsMultiGpuBoard = 84,
  cudaDevAttrMultiGpuBoardGroupID = 85,
  cudaDevAttrHostNativeAtomicSupported = 86,
  cudaDevAttrSingleToDoublePrecisionPerfRatio = 87,
  cudaDevAttrPageableMemoryAccess = 88,
  cudaDevAttrConcurrentManagedAccess = 89,
  cudaDevAttrComputePreemptionSupported = 90,
  cudaDevAttrCanUseHostPointerForRegisteredMem = 91,
  cudaDevAttrCooperativeLaunch = 95,
  cudaDevAttrMaxSharedMemoryPerBlockOptin = 97,
  cudaDevAttrCanFlushRemoteWrites = 98,
  cudaDevAttrHostRegisterSupported = 99,
  cudaDevAttrPageableMemoryAccessUsesHostPageTables = 100,
  cudaDevAttrDirectManagedMemAccessFromHost = 101,
  cudaDevAttrMaxBlocksPerMultiprocessor = 106,
  cudaDevAttrMaxPersistingL2CacheSize = 108,
  cudaDevAttrMaxAccessPolicyWindowSize = 109,
  cudaDevAttrSparseCudaArraySupported = 112,
  cudaDevAttrHostRegisterReadOnlySupported = 113,
  cudaDevAttrTimelineSemaphoreInteropSupported = 114,
  cudaDevAttrMemoryPoolsSupported = 115,
  cudaDevAttrGPUDirectRDMASupported = 116,
  cudaDevAttrGPUDirectRDMAFlushWritesOptions = 117,
  cudaDevAttrGPUDirectRDMAWritesOrdering = 118,
  cudaDevAttrMemoryPoolSupportedHandleTypes = 119,
  cudaDevAttrClusterLaunch = 120,
  cudaDevAttrDeferredMappingCudaArraySupported = 121,
  cudaDevAttrIpcEventSupport = 125,
  cudaDevAttrMemSyncDomainCount = 126,
  cudaDevAttrNumaConfig = 130,
  cudaDevAttrNumaId = 131,
  cudaDevAttrMpsEnabled = 133,
  cudaDevAttrHostNumaId = 134,
  cudaDevAttrD3D12CigSupported = 135,
  cudaDevAttrVulkanCigSupported = 138,
  cudaDevAttrGpuPciDeviceId = 139,
  cudaDevAttrGpuPciSubsystemId = 140,
  cudaDevAttrHostNumaMemoryPoolsSupported = 142,
  cudaDevAttrHostNumaMultinodeIpcSupported = 143,
  cudaDevAttrHostMemoryPoolsSupported = 144,
  cudaDevAttrOnlyPartialHostNativeAtomicSupported = 147
};

/// Limits queried by cudaDeviceGetLimit / set by cudaDeviceSetLimit (accepted, no effect).
enum cudaLimit {
  cudaLimitStackSize = 0x00,
  cudaLimitPrintfFifoSize = 0x01,
  cudaLimitMallocHeapSize = 0x02,
  cudaLimitDevRuntimeSyncDepth = 0x03,
  cudaLimitDevRuntimePendingLaunchCount = 0x04,
  cudaLimitMaxL2FetchGranularity = 0x05,
  cudaLimitPersistingL2CacheSize = 0x06
};

/// Flags (accepted; everything is synchronous on the CPU).
#define cudaStreamDefault 0x00
#define cudaStreamNonBlocking 0x01
#define cudaEventDefault 0x00
#define cudaEventBlockingSync 0x01
#define cudaEventDisableTiming 0x02
#define cudaHostAllocDefault 0x00
#define cudaHostAllocPortable 0x01
#define cudaHostAllocMapped 0x02
#define cudaHostAllocWriteCombined 0x04
#define cudaHostRegisterDefault 0x00
#define cudaHostRegisterPortable 0x01
#define cudaHostRegisterMapped 0x02
#define cudaHostRegisterIoMemory 0x04
#define cudaHostRegisterReadOnly 0x08
#define cudaMemAttachGlobal 0x01
#define cudaMemAttachHost 0x02
#define cudaMemAttachSingle 0x04
#define cudaDeviceScheduleAuto 0x00
#define cudaDeviceScheduleSpin 0x01
#define cudaDeviceScheduleYield 0x02
#define cudaDeviceScheduleBlockingSync 0x04
#define cudaDeviceBlockingSync 0x04
#define cudaDeviceScheduleMask 0x07
#define cudaDeviceMapHost 0x08
#define cudaDeviceLmemResizeToMax 0x10
#define cudaDeviceMask 0xff
#define cudaEventInterprocess 0x04
#define cudaEventRecordDefault 0x00
#define cudaEventRecordExternal 0x01
#define cudaOccupancyDefault 0x00
#define cudaOccupancyDisableCachingOverride 0x01
#define cudaArrayDefault 0x00
#define cudaCpuDeviceId (-1)

/// Who may use the device (`cudaDevAttrComputeMode`): always the default here.
enum cudaComputeMode {
  cudaComputeModeDefault = 0,
  cudaComputeModeExclusive = 1,
  cudaComputeModeProhibited = 2,
  cudaComputeModeExclusiveProcess = 3
};

/// Shared memory / L1 split hints (`cudaFuncAttributePreferredSharedMemoryCarveout`): accepted, meaningless here.
enum cudaSharedCarveout {
  cudaSharedmemCarveoutDefault = -1,
  cudaSharedmemCarveoutMaxShared = 100,
  cudaSharedmemCarveoutMaxL1 = 0
};

/// L2 persistence hints (`cudaAccessPolicyWindow`): accepted and stored, meaningless on a CPU.
enum cudaAccessProperty {
  cudaAccessPropertyNormal = 0,
  cudaAccessPropertyStreaming = 1,
  cudaAccessPropertyPersisting = 2
};

/// A range of memory and how the L2 cache should treat it (a stream or launch attribute).
struct cudaAccessPolicyWindow {
  void* base_ptr;                   ///< start of the range
  std::size_t num_bytes;            ///< its size
  float hitRatio;                   ///< fraction of accesses that get hitProp
  cudaAccessProperty hitProp;       ///< for that fraction
  cudaAccessProperty missProp;      ///< for the others
};

/// Stream and launch attributes (the stream ones are also spelled cudaStreamAttribute*).
enum cudaLaunchAttributeID {
  cudaLaunchAttributeIgnore = 0,
  cudaLaunchAttributeAccessPolicyWindow = 1,
  cudaLaunchAttributeCooperative = 2,
  cudaLaunchAttributeSynchronizationPolicy = 3,
  cudaLaunchAttributePriority = 8
};

/// How a stream waits (stored, meaningless here).
enum cudaSynchronizationPolicy {
  cudaSyncPolicyAuto = 1,
  cudaSyncPolicySpin = 2,
  cudaSyncPolicyYield = 3,
  cudaSyncPolicyBlockingSync = 4
};

/// The value of one attribute.
union cudaLaunchAttributeValue {
  char pad[64];                                 ///< the real union's size
  cudaAccessPolicyWindow accessPolicyWindow;    ///< cudaLaunchAttributeAccessPolicyWindow
  int cooperative;                              ///< cudaLaunchAttributeCooperative
  cudaSynchronizationPolicy syncPolicy;         ///< cudaLaunchAttributeSynchronizationPolicy
  int priority;                                 ///< cudaLaunchAttributePriority
};
#define cudaStreamAttrID cudaLaunchAttributeID
#define cudaStreamAttrValue cudaLaunchAttributeValue
#define cudaStreamAttributeAccessPolicyWindow cudaLaunchAttributeAccessPolicyWindow
#define cudaStreamAttributeSynchronizationPolicy cudaLaunchAttributeSynchronizationPolicy
#define cudaStreamAttributePriority cudaLaunchAttributePriority

/// A memory pool for stream-ordered allocation (cudaMallocAsync); the device has one default pool here.
typedef struct CUmemPoolHandle_st* cudaMemPool_t;
/// Pool attributes (stored; the release threshold changes nothing: freed memory returns to the host at once).
enum cudaMemPoolAttr {
  cudaMemPoolReuseFollowEventDependencies = 0x1,
  cudaMemPoolReuseAllowOpportunistic = 0x2,
  cudaMemPoolReuseAllowInternalDependencies = 0x3,
  cudaMemPoolAttrReleaseThreshold = 0x4,
  cudaMemPoolAttrReservedMemCurrent = 0x5,
  cudaMemPoolAttrReservedMemHigh = 0x6,
  cudaMemPoolAttrUsedMemCurrent = 0x7,
  cudaMemPoolAttrUsedMemHigh = 0x8
};

/// What cudaFuncGetAttributes says about a kernel: the limits that apply to it here (register and local-memory
/// figures mean nothing on a CPU and are nominal).
struct cudaFuncAttributes {
  std::size_t sharedSizeBytes;            ///< static shared memory: unknown before a run, 0
  std::size_t constSizeBytes;             ///< 0
  std::size_t localSizeBytes;             ///< 0
  int maxThreadsPerBlock;                 ///< 1024
  int numRegs;                            ///< a nominal 32
  int ptxVersion;                         ///< 90 (compute capability 9.0, as reported)
  int binaryVersion;                      ///< 90
  int cacheModeCA;                        ///< 0
  int maxDynamicSharedSizeBytes;          ///< the current dynamic shared memory limit
  int preferredShmemCarveout;             ///< -1 (no preference)
  int clusterDimMustBeSet;                ///< 0
  int requiredClusterWidth;               ///< 0
  int requiredClusterHeight;              ///< 0
  int requiredClusterDepth;               ///< 0
  int clusterSchedulingPolicyPreference;  ///< 0
  int nonPortableClusterSizeAllowed;      ///< 0
  int reserved[16];                       ///< 0
};

/// Advice for managed memory (cudaMemAdvise): accepted, no effect here.
enum cudaMemoryAdvise {
  cudaMemAdviseSetReadMostly = 1,
  cudaMemAdviseUnsetReadMostly = 2,
  cudaMemAdviseSetPreferredLocation = 3,
  cudaMemAdviseUnsetPreferredLocation = 4,
  cudaMemAdviseSetAccessedBy = 5,
  cudaMemAdviseUnsetAccessedBy = 6
};
/// Kinds of memory location (CUDA 12.2+ cudaMemAdvise / cudaMemPrefetchAsync).
enum cudaMemLocationType {
  cudaMemLocationTypeInvalid = 0,
  cudaMemLocationTypeDevice = 1,
  cudaMemLocationTypeHost = 2,
  cudaMemLocationTypeHostNuma = 3,
  cudaMemLocationTypeHostNumaCurrent = 4
};
/// A memory location: a device (id 0 here) or the host.
struct cudaMemLocation {
  cudaMemLocationType type;  ///< device or host
  int id;                    ///< the device's ordinal
};

/// Opaque stream; null is the default stream. All streams run in issue order on the CPU.
typedef struct CUstream_st* cudaStream_t;
/// The legacy default stream, by name (the same as stream 0 here).
#define cudaStreamLegacy ((cudaStream_t)0x1)
/// The per-thread default stream (the same as stream 0 here: all work runs in issue order).
#define cudaStreamPerThread ((cudaStream_t)0x2)
/// A host function run in stream order (cudaLaunchHostFunc).
typedef void (*cudaHostFn_t)(void* user_data);
/// A stream callback (cudaStreamAddCallback): gets the stream and the error state of the work before it.
typedef void (*cudaStreamCallback_t)(cudaStream_t stream, cudaError_t status, void* user_data);
/// Opaque event holding a host timestamp.
typedef struct CUevent_st* cudaEvent_t;

/// Device UUID (all zero here).
struct CUuuid_st {
  char bytes[16];  ///< UUID bytes
};
/// CUDA's UUID typedef.
typedef struct CUuuid_st cudaUUID_t;

/// Device properties; the fields of the CUDA 13 struct that make sense on a CPU, so code reading
/// `prop.warpSize`, `prop.multiProcessorCount`... compiles unchanged (fields gone in CUDA 13, such as
/// `clockRate`, are absent here too).
struct cudaDeviceProp {
  char name[256];                         ///< "WarpSpeed cudacpu (CPU backend, N workers)"
  cudaUUID_t uuid;                        ///< zero
  char luid[8];                           ///< zero
  unsigned int luidDeviceNodeMask;        ///< zero
  std::size_t totalGlobalMem;             ///< physical host memory
  std::size_t sharedMemPerBlock;          ///< 48 KiB
  int regsPerBlock;                       ///< 65536 (meaningless here)
  int warpSize;                           ///< 32
  std::size_t memPitch;                   ///< maximum pitch of cudaMallocPitch
  int maxThreadsPerBlock;                 ///< 1024
  int maxThreadsDim[3];                   ///< 1024, 1024, 64
  int maxGridSize[3];                     ///< 2^31-1, 65535, 65535
  std::size_t totalConstMem;              ///< 64 KiB
  int major;                              ///< compute capability major (reported as 9)
  int minor;                              ///< compute capability minor (0)
  std::size_t textureAlignment;           ///< 512
  std::size_t texturePitchAlignment;      ///< 32
  int multiProcessorCount;                ///< number of worker threads
  int integrated;                         ///< 1: host and "device" share memory
  int canMapHostMemory;                   ///< 1
  int concurrentKernels;                  ///< 0: kernels run one after another
  int ECCEnabled;                         ///< 0
  int pciBusID;                           ///< 0
  int pciDeviceID;                        ///< 0
  int pciDomainID;                        ///< 0
  int asyncEngineCount;                   ///< 0
  int unifiedAddressing;                  ///< 1
  int memoryBusWidth;                     ///< 64
  int l2CacheSize;                        ///< a nominal 4 MiB
  int persistingL2CacheMaxSize;           ///< 3 MiB (persistence is a hint, stored and ignored)
  int maxThreadsPerMultiProcessor;        ///< 2048
  int streamPrioritiesSupported;          ///< 0
  int globalL1CacheSupported;             ///< 1
  int localL1CacheSupported;              ///< 1
  std::size_t sharedMemPerMultiprocessor; ///< 228 KiB
  int regsPerMultiprocessor;              ///< 65536
  int managedMemory;                      ///< 1
  int isMultiGpuBoard;                    ///< 0
  int multiGpuBoardGroupID;               ///< 0
  int hostNativeAtomicSupported;          ///< 1
  int pageableMemoryAccess;               ///< 0: malloc'd memory passed to a kernel is reported
  int concurrentManagedAccess;            ///< 1
  int computePreemptionSupported;         ///< 0
  int canUseHostPointerForRegisteredMem;  ///< 1
  int cooperativeLaunch;                  ///< 1: cudaLaunchCooperativeKernel and this_grid().sync() work
  std::size_t sharedMemPerBlockOptin;     ///< 227 KiB (after cudaFuncSetAttribute)
  int pageableMemoryAccessUsesHostPageTables; ///< 0
  int directManagedMemAccessFromHost;     ///< 1
  int maxBlocksPerMultiProcessor;         ///< 32
  int accessPolicyMaxWindowSize;          ///< 128 MiB
  std::size_t reservedSharedMemPerBlock;  ///< 0
  int hostRegisterSupported;              ///< 1
  int memoryPoolsSupported;               ///< 0
  int clusterLaunch;                      ///< 0
};

/// CUDA's 3-component unsigned vector (type of threadIdx/blockIdx).
struct uint3 {
  unsigned int x;  ///< x component
  unsigned int y;  ///< y component
  unsigned int z;  ///< z component
};

/// Grid and block extents. Constructible from any integer type so `k<<<(n + 255) / 256, 256>>>` works as in CUDA.
struct dim3 {
  unsigned int x;  ///< extent in x
  unsigned int y;  ///< extent in y
  unsigned int z;  ///< extent in z

  /// (1, 1, 1).
  constexpr dim3() : x(1), y(1), z(1) {}
  /// (vx, 1, 1); integers of any width convert like CUDA's unsigned parameters.
  template <class X, std::enable_if_t<std::is_integral_v<X>, int> = 0>
  constexpr dim3(X vx) : x(static_cast<unsigned int>(vx)), y(1), z(1) {}
  /// (vx, vy, 1).
  template <class X, class Y, std::enable_if_t<std::is_integral_v<X> && std::is_integral_v<Y>, int> = 0>
  constexpr dim3(X vx, Y vy) : x(static_cast<unsigned int>(vx)), y(static_cast<unsigned int>(vy)), z(1) {}
  /// (vx, vy, vz).
  template <class X, class Y, class Z,
            std::enable_if_t<std::is_integral_v<X> && std::is_integral_v<Y> && std::is_integral_v<Z>, int> = 0>
  constexpr dim3(X vx, Y vy, Z vz)
      : x(static_cast<unsigned int>(vx)), y(static_cast<unsigned int>(vy)), z(static_cast<unsigned int>(vz)) {}
  /// From a uint3 (e.g. `dim3 b = blockDim;`).
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  /// To a uint3.
  constexpr operator uint3() const { return uint3{x, y, z}; }
};

// Vector types with CUDA's sizes and alignments (e.g. float4 is 16-byte aligned, float3 only 4), so structure
// layouts and vectorised-load alignment bugs behave as on the GPU.
#define WS_CUDACPU_VEC1(name, T, al)                                                                               \
  /** CUDA vector type. */ struct __attribute__((aligned(al))) name { T x; };                                      \
  /** Builds a name. */ constexpr inline name make_##name(T x) { return name{x}; }
#define WS_CUDACPU_VEC2(name, T, al)                                                                               \
  /** CUDA vector type. */ struct __attribute__((aligned(al))) name { T x, y; };                                   \
  /** Builds a name. */ constexpr inline name make_##name(T x, T y) { return name{x, y}; }
#define WS_CUDACPU_VEC3(name, T, al)                                                                               \
  /** CUDA vector type. */ struct __attribute__((aligned(al))) name { T x, y, z; };                                \
  /** Builds a name. */ constexpr inline name make_##name(T x, T y, T z) { return name{x, y, z}; }
#define WS_CUDACPU_VEC4(name, T, al)                                                                               \
  /** CUDA vector type. */ struct __attribute__((aligned(al))) name { T x, y, z, w; };                             \
  /** Builds a name. */ constexpr inline name make_##name(T x, T y, T z, T w) { return name{x, y, z, w}; }
#define WS_CUDACPU_VECS(base, T, a1, a2, a3, a4)                                                                   \
  WS_CUDACPU_VEC1(base##1, T, a1)                                                                                  \
  WS_CUDACPU_VEC2(base##2, T, a2)                                                                                  \
  WS_CUDACPU_VEC3(base##3, T, a3)                                                                                  \
  WS_CUDACPU_VEC4(base##4, T, a4)

WS_CUDACPU_VECS(char, signed char, 1, 2, 1, 4)
WS_CUDACPU_VECS(uchar, unsigned char, 1, 2, 1, 4)
WS_CUDACPU_VECS(short, short, 2, 4, 2, 8)
WS_CUDACPU_VECS(ushort, unsigned short, 2, 4, 2, 8)
WS_CUDACPU_VECS(int, int, 4, 8, 4, 16)
WS_CUDACPU_VEC1(uint1, unsigned int, 4)
WS_CUDACPU_VEC2(uint2, unsigned int, 8)
/** Builds a uint3. */ constexpr inline uint3 make_uint3(unsigned int x, unsigned int y, unsigned int z) { return uint3{x, y, z}; }
WS_CUDACPU_VEC4(uint4, unsigned int, 16)
WS_CUDACPU_VECS(long, long, 8, 16, 8, 16)
WS_CUDACPU_VECS(ulong, unsigned long, 8, 16, 8, 16)
WS_CUDACPU_VECS(longlong, long long, 8, 16, 8, 16)
WS_CUDACPU_VECS(ulonglong, unsigned long long, 8, 16, 8, 16)
WS_CUDACPU_VECS(float, float, 4, 8, 4, 16)
WS_CUDACPU_VECS(double, double, 8, 16, 8, 16)

// CUDA 13's explicitly aligned 4-vectors of 8-byte types (the unsuffixed ones are deprecated there).
WS_CUDACPU_VEC4(long4_16a, long, 16)
WS_CUDACPU_VEC4(long4_32a, long, 32)
WS_CUDACPU_VEC4(ulong4_16a, unsigned long, 16)
WS_CUDACPU_VEC4(ulong4_32a, unsigned long, 32)
WS_CUDACPU_VEC4(longlong4_16a, long long, 16)
WS_CUDACPU_VEC4(longlong4_32a, long long, 32)
WS_CUDACPU_VEC4(ulonglong4_16a, unsigned long long, 16)
WS_CUDACPU_VEC4(ulonglong4_32a, unsigned long long, 32)
WS_CUDACPU_VEC4(double4_16a, double, 16)
WS_CUDACPU_VEC4(double4_32a, double, 32)

#undef WS_CUDACPU_VECS
#undef WS_CUDACPU_VEC1
#undef WS_CUDACPU_VEC2
#undef WS_CUDACPU_VEC3
#undef WS_CUDACPU_VEC4

/// Builds a dim3.
constexpr inline dim3 make_dim3(unsigned int x, unsigned int y, unsigned int z) { return dim3(x, y, z); }

static_assert(sizeof(float4) == 16 && alignof(float4) == 16, "float4 must match CUDA's layout");
static_assert(sizeof(float3) == 12 && alignof(float3) == 4, "float3 must match CUDA's layout");
static_assert(alignof(float2) == 8 && alignof(int4) == 16 && alignof(double2) == 16, "vector alignment");
