; Inno Setup script: the Workbench installer for Windows (Inno Setup 6.3 or newer).
;
; A per-user install that needs no admin rights: the app goes to
; %LOCALAPPDATA%\Programs\Workbench, the Start-menu entry and the .wbproj file association go
; under HKEY_CURRENT_USER, and the uninstaller removes all three. The user's own files (the
; experiment library, autosaves, preferences in %LOCALAPPDATA%\Workbench) are never touched:
; a failed experiment logged there is an asset that must survive a reinstall.
;
; Build the app first (python installer/build.py -> dist\Workbench), then from the repository
; root:  iscc /DAppVersion=0.1.0 installer\workbench.iss   -> dist\installer\Workbench-0.1.0-setup.exe

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Workbench"
#define AppExe "Workbench.exe"
#define CliExe "workbench-cli.exe"
#define ProgId "Workbench.Project"
#define ProjectExt ".wbproj"
; PyInstaller 6 puts data files under _internal (see installer/workbench.spec).
#define BundleDir "..\dist\Workbench"
#define ProjectIcon "_internal\resources\icons\project.ico"

[Setup]
; Keep AppId fixed forever: Windows finds an installed Workbench (to upgrade it) by this id.
AppId={{09C124A5-FFDD-4CC1-9BCD-516730B3EE13}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Workbench
VersionInfoVersion={#AppVersion}
; Per-user, no elevation prompt: plant laptops rarely give engineers admin rights.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
; The app is 64-bit (Python, Qt, LightGBM wheels).
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Tells Explorer to refresh icons once the .wbproj association is written or removed.
ChangesAssociations=yes
SetupIconFile=..\resources\icons\workbench.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\dist\installer
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; A running Workbench holds its DLLs open: ask to close it before files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
#if FileExists(AddBackslash(CompilerPath) + "Languages\Korean.isl")
Name: "korean"; MessagesFile: "compiler:Languages\Korean.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade must not keep modules the new version no longer ships (stale DLLs break imports).
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Turn plant data into tested improvements"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .wbproj -> Workbench.Project, under HKCU\Software\Classes (no admin rights needed).
Root: HKCU; Subkey: "Software\Classes\{#ProjectExt}"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\{#ProjectExt}\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Workbench project"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#ProjectIcon}"",0"
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
; "Open with" lists Workbench for data files too, without taking them over from Excel.
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: "{#ProjectExt}"; ValueData: ""; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".csv"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xlsx"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
; Compile the SHAP kernel on this laptop's CPU now (numba's cache is CPU-specific, so it cannot be
; built on the build machine): the first analysis then does not wait for it.
Filename: "{app}\{#CliExe}"; Parameters: "--compile-shap"; StatusMsg: "Preparing the SHAP kernel (about 10 seconds)..."; Flags: runhidden waituntilterminated
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
